package org.qcal.jobs.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.qcal.runtime.ModelSignature;
import org.qcal.runtime.TensorSpec;

/** The model's inputs as ONNX Runtime reports them, in the form the data layer binds. */
public final class ModelInputs {
  private ModelInputs() {}

  public static List<ModelInput> of(ModelSignature signature) {
    List<ModelInput> inputs = new ArrayList<>();
    for (TensorSpec spec : signature.inputs()) {
      inputs.add(new ModelInput(spec.name(), spec.type(), spec.shape()));
    }
    return inputs;
  }

  /**
   * The first input's shape without its batch dim (for image sizes and .npy batch files): its
   * {@code --input-shape} dims when given (they fill the model's dynamic dims).
   */
  static long[] firstSampleShape(ModelSignature signature, Map<String, String> inputShapes) {
    ModelInput first = of(signature).get(0);
    String spec = inputShapes == null ? null : inputShapes.get(first.name());
    if (spec != null) {
      InputShape shape = InputShape.parse(first.name(), spec);
      if (shape.dims() != null && shape.dims().length == first.rank() - 1) {
        return shape.dims(); // checked against the model when the input is bound
      }
    }
    return first.sampleShape();
  }
}
