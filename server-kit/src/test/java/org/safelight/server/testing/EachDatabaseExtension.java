package org.safelight.server.testing;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.safelight.server.db.Database;

/** {@link EachDatabase}: one invocation per {@link DatabaseEngine}, each with its own fresh database. */
public final class EachDatabaseExtension implements TestTemplateInvocationContextProvider {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EachDatabaseExtension.class);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getRequiredTestMethod().isAnnotationPresent(EachDatabase.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Arrays.stream(DatabaseEngine.values()).map(On::new);
    }

    private record On(DatabaseEngine engine) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return engine.toString();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new ParameterResolver() {
                @Override
                public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
                    Class<?> type = parameter.getParameter().getType();
                    return type == Database.class || type == DatabaseEngine.class || type == Supplier.class;
                }

                @Override
                public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
                    if (parameter.getParameter().getType() == DatabaseEngine.class) {
                        return engine;
                    }
                    if (parameter.getParameter().getType() == Supplier.class) {
                        // for a test that needs several databases, or opens its own: each closed after it too
                        return (Supplier<Database>) () -> {
                            Opened opened = new Opened(engine.fresh());
                            context.getStore(NAMESPACE).put(new Object(), opened);
                            return opened.db();
                        };
                    }
                    // closed when the invocation's context closes, after the test and its @AfterEach
                    return context.getStore(NAMESPACE).getOrComputeIfAbsent("database", key -> new Opened(engine.fresh()),
                            Opened.class).db();
                }
            });
        }
    }

    private record Opened(Database db) implements AutoCloseable { // JUnit closes AutoCloseable store values
        @Override
        public void close() {
            db.close();
        }
    }
}
