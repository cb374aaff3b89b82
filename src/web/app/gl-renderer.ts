/**
 * Which GL implementation runs the webgl backend. Without a usable GPU Chromium renders WebGL in
 * software (SwiftShader), where the viewer's model is an order of magnitude slower than on wasm
 * (npm run bench:viewer); the page says so rather than leave the user wondering.
 */

/** The unmasked renderer string ("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...") or null. */
export function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return typeof name === 'string' ? name : null;
}

export function isSoftwareGl(renderer: string | null): boolean {
  return renderer != null && /swiftshader|llvmpipe|software/i.test(renderer);
}
