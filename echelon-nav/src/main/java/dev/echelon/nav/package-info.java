/**
 * Ground navigation for Echelon's voxel worlds, as specified in NAV.md: where a mech can stand,
 * where it can step next, and the least-cost route between two places. Built for embedding: no
 * dependencies, dense int node ids over primitive arrays, and reusable search contexts so that a
 * server can answer path queries on a cached graph without allocating per query.
 */
package dev.echelon.nav;
