package dev.asnet.training.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Value;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trained values go into a copy of the model by data replacement; nothing else changes. */
class TrainedModelTest {
    private static Map<String, float[]> state(Model m, float scale) {
        Map<String, float[]> state = new HashMap<>();
        for (Value v : m.graph().initializers()) {
            if (v.role() != InitializerRole.CONSTANT) {
                float[] f = v.data().floats();
                for (int i = 0; i < f.length; i++) {
                    f[i] *= scale;
                }
                state.put(v.name(), f);
            }
        }
        return state;
    }

    @Test
    void theModelsOwnValuesGiveTheSameBytes() {
        Model source = ModelZoo.build("as-resnet20-16x1", ModelConfig.fashionMnist());
        byte[] before = OnnxWriter.toBytes(source);
        assertArrayEquals(before, OnnxWriter.toBytes(TrainedModel.withState(source, state(source, 1f))));
    }

    @Test
    void trainedValuesReplaceTheDataAndLeaveTheSourceAlone() {
        Model source = ModelZoo.build("shiftresnet20-16x1", ModelConfig.fashionMnist());
        byte[] before = OnnxWriter.toBytes(source);
        Model trained = TrainedModel.withState(source, state(source, 0.5f));
        List<Value> inits = trained.graph().initializers();
        assertEquals(source.graph().initializers().size(), inits.size());
        for (int i = 0; i < inits.size(); i++) {
            Value s = source.graph().initializers().get(i);
            Value t = inits.get(i);
            assertEquals(s.name(), t.name());
            if (s.role() == InitializerRole.CONSTANT) {
                assertEquals(s.data(), t.data(), s.name());
            } else {
                assertEquals(s.data().floatAt(0) * 0.5f, t.data().floatAt(0), 0f, s.name());
            }
        }
        assertEquals(source.metadata(), trained.metadata());
        assertArrayEquals(before, OnnxWriter.toBytes(source), "the source is unchanged");
    }

    @Test
    void aMissingOrMisSizedValueIsNamed() {
        Model source = ModelZoo.build("as-resnet20-16x1", ModelConfig.fashionMnist());
        Map<String, float[]> state = state(source, 1f);
        String name = source.graph().initializers().stream().filter(v -> v.role() == InitializerRole.PARAMETER)
                .findFirst().orElseThrow().name();
        int size = state.get(name).length;
        state.put(name, new float[size + 1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainedModel.withState(source, state));
        assertEquals("trained value of '" + name + "' is of size " + (size + 1) + ", expected " + size, e.getMessage());
        state.remove(name);
        e = assertThrows(IllegalArgumentException.class, () -> TrainedModel.withState(source, state));
        assertEquals("trained value of '" + name + "' is missing", e.getMessage());
    }
}
