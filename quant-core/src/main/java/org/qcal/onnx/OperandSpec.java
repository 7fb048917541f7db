package org.qcal.onnx;

import java.io.Serializable;

/**
 * A constant float operand of a quantized elementwise op (the {@code b} of {@code Add(x, b)} or
 * {@code Mul(x, b)}), quantized per tensor on the driver to the type of the op's activations.
 * ONNX Runtime fuses a binary QDQ group into QLinearAdd/QLinearMul only when both inputs and the
 * output have the same 8-bit type (qdq_selectors.cc, BinaryNodeGroupSelector).
 *
 * @param initializer name of the float initializer
 * @param node index of the consuming node in the graph
 * @param nodeLabel the node's name (or op type and index), for messages
 * @param input the input position of the operand in the node
 * @param activation the node's output, whose params give the operand's type
 */
public record OperandSpec(String initializer, int node, String nodeLabel, int input,
    String activation) implements Serializable {}
