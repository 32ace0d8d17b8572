package io.carbonllm.payback.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./payback}: the demo on the real local stack, and the tools around the tracker. */
@Command(name = "payback",
        mixinStandardHelpOptions = true,
        version = "carbon-llm payback tracker 0.1.0",
        description = "Tracks whether fine-tuning an LLM pays back its one-off energy and carbon footprint "
                + "through cheaper inference per successful task.",
        subcommands = {DemoCommand.class, EstimateCommand.class, ComparisonCommand.class, RunCommand.class, DiscloseCommand.class,
            PoisonCommand.class, DeadLetterCommand.class, StreamsCommand.class, OtlpCommand.class,
            CommandLine.HelpCommand.class})
public final class PaybackCli {

    public static void main(String[] args) {
        LoggingSetup.configure(args);
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PaybackCli());
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            // Expected failures (a port in use, a missing runtime) carry a message written for the user.
            commandLine.getErr().println("error: " + exception.getMessage());
            return 1;
        });
        return cli;
    }
}
