/**
 * `@lstm/layers/onnx`: ONNX export and import, apart from the main entry so that a browser
 * bundle of the layers never carries the protobuf runtime unless it asks for ONNX.
 */
export { exportOnnx } from './onnx-export.js';
export { importOnnx } from './onnx-import.js';
