/**
 * ONNX export and import (`@lstm/layers/onnx`), apart from the main entry so that a browser bundle of the layers never carries the protobuf runtime unless it asks for ONNX.
 * @packageDocumentation
 * @module @lstm/layers/onnx
 */
export { exportOnnx } from './onnx-export.js';
export { importOnnx } from './onnx-import.js';
