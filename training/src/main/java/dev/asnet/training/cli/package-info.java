/**
 * The {@code asnet train} command ({@link dev.asnet.training.cli.TrainCommand}), listed among the
 * {@code asnet} CLI's subcommands and runnable on its own through its {@code main} method.
 */
package dev.asnet.training.cli;
