// Vite's client types: `?url` asset imports and CSS imports in the viewer's modules.
/// <reference types="vite/client" />
