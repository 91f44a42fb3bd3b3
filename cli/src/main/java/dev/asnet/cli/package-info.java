/**
 * The {@code asnet} command-line tool, built with picocli.
 *
 * <p>{@link dev.asnet.cli.Main} starts {@link dev.asnet.cli.AsnetCommand}, whose subcommands each
 * live in one class; a new subcommand is that class plus one entry in
 * {@link dev.asnet.cli.AsnetCommand}'s {@code subcommands} list. Commands report failures by
 * throwing; {@link dev.asnet.cli.ErrorReporter} turns every failure into one line on stderr and one
 * of the {@link dev.asnet.cli.ExitCodes}.
 */
package dev.asnet.cli;
