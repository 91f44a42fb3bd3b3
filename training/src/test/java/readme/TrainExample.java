package readme;

// README snippet training begins
// needs dev.asnet:asnet-training
import dev.asnet.training.trainer.TrainConfig;
import dev.asnet.training.trainer.TrainResult;
import dev.asnet.training.trainer.Trainer;
import dev.asnet.training.trainer.TrainingListener;
import java.nio.file.Path;

class TrainExample {
    static TrainResult train(TrainConfig config) throws Exception {
        return Trainer.builder(config).setOutput(Path.of("runs/as16x3"))
                .optListener(TrainingListener.printing(System.out)).build().run(Long.MAX_VALUE);
    }
}
// README snippet training ends
