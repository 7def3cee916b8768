package io.netdiag.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Declares a command's picocli model in code: names, labels, help text and where each value goes.
 *
 * <p>picocli's annotations would say the same, but reading them costs start-up time that no cache
 * removes: the JDK turns every annotation into a dynamic proxy whose class it generates on first use,
 * and picocli binds fields through reflection. For netdiag that was about 30 ms of an 85 ms
 * {@code --version}. A model declared here builds in about a millisecond, and help, man pages and
 * completion scripts read it exactly as they read an annotated one.
 *
 * <p>Each value reaches the command through a setter; an option that is not given calls nothing, so
 * the command's field keeps its initial value (commands are created afresh for every invocation).
 */
final class Declare {
    private final CommandSpec spec;

    private Declare(Object command, String name) {
        spec = CommandSpec.wrapWithoutInspection(command).name(name);
    }

    /** A subcommand: the standard help options come last, after its own, and {@code -V} prints netdiag's version. */
    static Declare command(Object command, String name) {
        return new Declare(command, name);
    }

    /** One line under the name in help and the man page's NAME section. */
    Declare header(String header) {
        spec.usageMessage().header(header);
        return this;
    }

    Declare description(String... paragraphs) {
        spec.usageMessage().description(paragraphs);
        return this;
    }

    /** Options in the order declared rather than alphabetical. */
    Declare declaredOrder() {
        spec.usageMessage().sortOptions(false);
        return this;
    }

    /** The "Exit status:" section; each entry is {@code " CODE:meaning"}. */
    Declare exitCodes(String... entries) {
        spec.usageMessage().exitCodeListHeading("%nExit status:%n");
        spec.usageMessage().exitCodeList(CommandLine.Model.UsageMessageSpec.keyValuesMap(entries));
        return this;
    }

    /** A flag: {@code names} as help prints them ({@code "-t, --tcp"}); {@code set} receives true when given. */
    Declare flag(String names, Consumer<Boolean> set, String description) {
        return option(names, null, boolean.class, set, o -> o, description);
    }

    /** An option with a value: {@code label} names it in help, picocli converts it to {@code type}. */
    <T> Declare option(String names, String label, Class<T> type, Consumer<? super T> set, String description) {
        return option(names, label, type, set, o -> o, description);
    }

    /**
     * An option with more settings than a label and a type: a default, a fallback value, an arity, a scope.
     * A numeric type gets {@link Accept#forType}: its whole range, refused in netdiag's words outside it.
     */
    <T> Declare option(String names, String label, Class<T> type, Consumer<? super T> set,
                       UnaryOperator<OptionSpec.Builder> more, String description) {
        return option(names, label, type, Accept.forType(type), set, more, description);
    }

    /**
     * An option whose value {@code accept} converts and range-checks while the command line is parsed:
     * a value outside the range is one line naming the option and the range, exit 2. Help and the man page
     * say the range after {@code description}.
     */
    <T> Declare option(String names, String label, Accept<T> accept, Consumer<? super T> set, String description) {
        return option(names, label, accept, set, o -> o, description);
    }

    /** As {@link #option(String, String, Accept, Consumer, String)}, with more settings (a default, an arity). */
    <T> Declare option(String names, String label, Accept<T> accept, Consumer<? super T> set,
                       UnaryOperator<OptionSpec.Builder> more, String description) {
        return option(names, label, accept.type(), accept, set, more,
                description + " Accepted: " + accept.range() + "; anything else exits 2.");
    }

    private <T> Declare option(String names, String label, Class<T> type, Accept<?> accept, Consumer<? super T> set,
                               UnaryOperator<OptionSpec.Builder> more, String description) {
        Binding<T> binding = new Binding<>(set);
        OptionSpec.Builder option = OptionSpec.builder(names(names))
                .type(type)
                .description(description)
                .hasInitialValue(false)
                .getter(binding)
                .setter(binding);
        if (accept != null) {
            option.converters(accept);
        }
        if (label != null) {
            option.paramLabel(label);
        }
        spec.addOption(more.apply(option).build());
        return this;
    }

    /** A repeatable option; {@code set} receives the list of every value given, in order. */
    Declare repeatable(String names, String label, Consumer<List<String>> set, String description) {
        return option(names, label, List.class, list -> set.accept(strings(list)),
                o -> o.auxiliaryTypes(String.class), description);
    }

    /** Positional parameters collected into a list ({@code arity} as picocli spells it: "0..*", "1..*"). */
    Declare positionals(String label, String arity, Consumer<List<String>> set, String description) {
        Binding<List<?>> binding = new Binding<>(list -> set.accept(strings(list)));
        spec.addPositional(PositionalParamSpec.builder()
                .paramLabel(label)
                .arity(arity)
                .required(CommandLine.Range.valueOf(arity).min() > 0)
                .type(List.class)
                .auxiliaryTypes(String.class)
                .description(description)
                .hasInitialValue(false)
                .getter(binding)
                .setter(binding)
                .build());
        return this;
    }

    /** One positional parameter at {@code index}, converted to {@code type}, with more settings in {@code more}. */
    <T> Declare positional(String index, String label, Class<T> type, Consumer<? super T> set,
                           UnaryOperator<PositionalParamSpec.Builder> more, String description) {
        Binding<T> binding = new Binding<>(set);
        PositionalParamSpec.Builder builder = more.apply(PositionalParamSpec.builder()
                .index(index)
                .paramLabel(label)
                .type(type)
                .description(description)
                .hasInitialValue(false)
                .getter(binding)
                .setter(binding));
        // required when it must have a value, as positionals() does: picocli's builder leaves that to the caller,
        // and a missing TARGET would otherwise reach the command as null
        if (builder.arity() != null && builder.arity().min() > 0) {
            builder.required(true);
        }
        spec.addPositional(builder.build());
        return this;
    }

    /** The finished model, with {@code -h, --help} and {@code -V, --version} after the declared options. */
    CommandSpec build() {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        spec.versionProvider(new VersionProvider());
        return spec;
    }

    private static String[] names(String names) {
        String[] split = names.split(",");
        for (int i = 0; i < split.length; i++) {
            split[i] = split[i].strip();
        }
        return split;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(List<?> list) {
        return (List<String>) list;
    }

    /**
     * Where picocli puts a value and reads it back (it reads a list back to append to it). A null is
     * kept but not passed on: it means "no value", and the command's field already says so.
     */
    private static final class Binding<T> implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
        private final Consumer<? super T> sink;
        private Object value;

        Binding(Consumer<? super T> sink) {
            this.sink = sink;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V newValue) {
            V old = (V) value;
            value = newValue;
            if (newValue != null) {
                sink.accept((T) newValue);
            }
            return old;
        }
    }
}
