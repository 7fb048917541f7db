package org.qcal.jobs;

import java.util.ArrayList;
import java.util.List;
import org.qcal.QcalException;
import org.qcal.jobs.data.ElementType;
import org.qcal.jobs.data.ModelInput;
import org.qcal.runtime.ModelSignature;
import org.qcal.runtime.TensorSpec;

/** The model's inputs as ONNX Runtime reports them, in the form the data layer binds. */
final class ModelInputs {
  private ModelInputs() {}

  static List<ModelInput> of(ModelSignature signature) {
    List<ModelInput> inputs = new ArrayList<>();
    for (TensorSpec spec : signature.inputs()) {
      inputs.add(new ModelInput(spec.name(), elementType(spec), spec.shape()));
    }
    return inputs;
  }

  /** The first input's shape without its batch dim (for image sizes and .npy batch files). */
  static long[] firstSampleShape(ModelSignature signature) {
    return of(signature).get(0).sampleShape();
  }

  private static ElementType elementType(TensorSpec spec) {
    return switch (spec.type()) {
      case FLOAT32 -> ElementType.FLOAT;
      case INT64 -> ElementType.INT64;
      default -> throw new QcalException("model input '" + spec.name() + "' is " + spec.type()
          + "; qcal feeds float32 and int64 inputs");
    };
  }
}
