// Worker: meshes a world off the main thread and hands back transferable buffers.
import { buildWorldMesh } from './mesher.js';

/** This module runs as a dedicated worker: its global scope posts to the page that made it. */
const worker = /** @type {any} */ (self);

worker.onmessage = (/** @type {MessageEvent} */ e) => {
  const { id, world } = e.data;
  try {
    const mesh = buildWorldMesh(world);
    const transfer = [];
    for (const g of mesh.groups) transfer.push(g.positions.buffer, g.normals.buffer, g.indices.buffer);
    worker.postMessage({ id, mesh }, transfer);
  } catch (err) {
    worker.postMessage({ id, error: String(err && err.message || err) });
  }
};
