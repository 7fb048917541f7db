package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.Recipe;

/** A recipe as calibration.json stores it, read back; and a file from before bias correction. */
class RecipeJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Recipe recipe(boolean biasCorrection) {
    return Recipe.builder().method(CalibrationMethod.MSE).symmetricActivations(true)
        .floatNodes(List.of("conv2")).biasCorrection(biasCorrection).build();
  }

  @Test
  void everyFieldIsReadBackWithOrWithoutBiasCorrection() {
    for (boolean corrected : new boolean[] {false, true}) {
      ObjectNode node = RecipeJson.write(recipe(corrected), JSON.createObjectNode());
      assertEquals(corrected, node.get("biasCorrection").asBoolean());
      assertEquals(recipe(corrected), RecipeJson.read(node, "test"));
    }
  }

  @Test
  void aRecipeWrittenBeforeTheFieldExistedCorrectsAsItsFileDid() {
    // Such files applied their biasShifts (if any) to every export.
    ObjectNode node = RecipeJson.write(recipe(false), JSON.createObjectNode());
    node.remove("biasCorrection");
    assertTrue(RecipeJson.read(node, "test").biasCorrection());
    assertFalse(RecipeJson.read(RecipeJson.write(recipe(false), JSON.createObjectNode()), "test")
        .biasCorrection());
  }
}
