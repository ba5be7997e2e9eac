// Worker: meshes a world off the main thread and hands back transferable buffers.
import { buildWorldMesh } from './mesher.js';

self.onmessage = (e) => {
  const { id, world } = e.data;
  try {
    const mesh = buildWorldMesh(world);
    const transfer = [];
    for (const g of mesh.groups) transfer.push(g.positions.buffer, g.normals.buffer, g.indices.buffer);
    self.postMessage({ id, mesh }, transfer);
  } catch (err) {
    self.postMessage({ id, error: String(err && err.message || err) });
  }
};
