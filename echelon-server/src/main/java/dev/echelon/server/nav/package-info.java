/**
 * Navigation for the server: stored worlds read straight into voxel grids, graphs built once per
 * world and cached with their JSON, and the JSON forms of PROTOCOL.md §4. The graph and planner
 * themselves are echelon-nav's.
 */
package dev.echelon.server.nav;
