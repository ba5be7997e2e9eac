// The one DOM helper the viewer's modules share.

/**
 * The element with this id. Typed loosely: each caller knows what kind of element it asked for.
 * @param {string} id
 * @returns {any}
 */
export const $ = (id) => document.getElementById(id);
