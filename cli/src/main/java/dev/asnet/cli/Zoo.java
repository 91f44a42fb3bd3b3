package dev.asnet.cli;

import dev.asnet.models.Architecture;
import dev.asnet.models.ModelZoo;

/** Looks up zoo networks with command-line errors. */
final class Zoo {
    private Zoo() {}

    /**
     * The architecture of a name.
     *
     * @throws CliException with {@link ExitCodes#USAGE} for an unknown name
     */
    static Architecture get(String name) {
        try {
            return ModelZoo.get(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "unknown model '" + name + "'; run 'asnet models' to list them",
                    e);
        }
    }
}
