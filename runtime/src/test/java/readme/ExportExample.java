package readme;

// README snippet export begins
// needs dev.asnet:asnet-models (it brings asnet-exporter)
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.models.Architecture;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import java.io.IOException;
import java.nio.file.Path;

class ExportExample {
    static Model export(Path file) throws IOException {
        Architecture arch = ModelZoo.get("as-resnet20-16x3");            // see ModelZoo.names()
        Model model = arch.build(ModelConfig.fashionMnist());            // training form, seeded init
        Model inference = InferenceExport.prepare(model,
                ExportOptions.builder().setLowering(AslLowering.DEPTHWISE).optMaxRadius(8).build());
        OnnxWriter.write(inference, file);                               // opset 17, IR version 8
        return OnnxReader.read(file);                                    // same IR, same bytes when rewritten
    }
}
// README snippet export ends
