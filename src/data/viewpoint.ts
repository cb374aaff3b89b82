/** The network's viewpoint vector of a camera row (browser-safe: the viewer encodes its cameras with it). */

/** (x, y, z, yaw, pitch) -> (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch). */
export function encodeViewpoint(camera: ArrayLike<number>, out: Float32Array = new Float32Array(7), at = 0): Float32Array {
  const yaw = camera[3];
  const pitch = camera[4];
  out[at] = camera[0];
  out[at + 1] = camera[1];
  out[at + 2] = camera[2];
  out[at + 3] = Math.cos(yaw);
  out[at + 4] = Math.sin(yaw);
  out[at + 5] = Math.cos(pitch);
  out[at + 6] = Math.sin(pitch);
  return out;
}
