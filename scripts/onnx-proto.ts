/**
 * The part of onnx.proto that the ONNX writers in scripts/ need, for protobufjs (field numbers from
 * onnx/onnx.proto). Used by write-onnx-cnn.ts (the example CNN) and write-hostile-onnx.ts (the hostile
 * test fixtures: external data, nested graphs, model-local functions).
 */
import protobuf from 'protobufjs';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9 } as const;
/** AttributeProto.AttributeType values used here. */
export const AttributeType = { INT: 2, TENSOR: 4, GRAPH: 5, INTS: 7 } as const;

/** The schema in protobufjs JSON form. */
export const onnxSchema = {
  nested: {
    ModelProto: {
      fields: {
        irVersion: { type: 'int64', id: 1 },
        producerName: { type: 'string', id: 2 },
        graph: { type: 'GraphProto', id: 7 },
        opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
        functions: { rule: 'repeated', type: 'FunctionProto', id: 25 },
      },
    },
    OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
    FunctionProto: {
      fields: {
        name: { type: 'string', id: 1 },
        input: { rule: 'repeated', type: 'string', id: 4 },
        output: { rule: 'repeated', type: 'string', id: 5 },
        node: { rule: 'repeated', type: 'NodeProto', id: 7 },
        opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 9 },
        domain: { type: 'string', id: 10 },
      },
    },
    GraphProto: {
      fields: {
        node: { rule: 'repeated', type: 'NodeProto', id: 1 },
        name: { type: 'string', id: 2 },
        initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
        input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
        output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
      },
    },
    NodeProto: {
      fields: {
        input: { rule: 'repeated', type: 'string', id: 1 },
        output: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        opType: { type: 'string', id: 4 },
        attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
        domain: { type: 'string', id: 7 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: 'string', id: 1 },
        i: { type: 'int64', id: 3 },
        t: { type: 'TensorProto', id: 5 },
        g: { type: 'GraphProto', id: 6 },
        ints: { rule: 'repeated', type: 'int64', id: 8 },
        type: { type: 'int32', id: 20 },
      },
    },
    TensorProto: {
      fields: {
        dims: { rule: 'repeated', type: 'int64', id: 1 },
        dataType: { type: 'int32', id: 2 },
        int64Data: { rule: 'repeated', type: 'int64', id: 7 },
        name: { type: 'string', id: 8 },
        rawData: { type: 'bytes', id: 9 },
        externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
        dataLocation: { type: 'int32', id: 14 },
      },
    },
    StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
    TypeProto: { fields: { tensorType: { type: 'TensorTypeProto', id: 1 } } },
    TensorTypeProto: {
      fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
    },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
    Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
  },
};

/** Encodes a ModelProto given as a plain object (camelCase field names of the schema above). */
export function encodeModel(model: object): Uint8Array {
  const Model = protobuf.Root.fromJSON(onnxSchema).lookupType('ModelProto');
  return Model.encode(Model.fromObject(model)).finish();
}

/** An attribute holding a list of ints. */
export const ints = (name: string, values: number[]) => ({ name, ints: values, type: AttributeType.INTS });

/** A node with one output, named after it. */
export const node = (opType: string, input: string[], output: string, attribute: object[] = []) => ({
  opType,
  input,
  output: [output],
  name: output,
  attribute,
});

/** A tensor value info; a string dimension is free (e.g. 'batch'), no dims at all is a scalar. */
export const valueInfo = (name: string, dims: (number | string)[], elemType: number = DataType.FLOAT) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  },
});
