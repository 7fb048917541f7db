package org.qcal.onnx;

import java.io.Serializable;

/**
 * A constant bias of an anchor node (Conv input 2, Gemm C), quantized to int32 with scale
 * {@code s_input * s_weight[c]} and zero point 0, the form QLinearConv and QGemm consume.
 *
 * @param initializer name of the float initializer
 * @param node index of the consuming node in the graph
 * @param nodeLabel the node's name (or op type and index), for messages
 * @param input the input position of the bias in the node
 * @param activation the node's activation input, whose scale enters the bias scale
 * @param weight the node's weight initializer, whose scales enter the bias scale
 */
public record BiasSpec(String initializer, int node, String nodeLabel, int input,
    String activation, String weight) implements Serializable {}
