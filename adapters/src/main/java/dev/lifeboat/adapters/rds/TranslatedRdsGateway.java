package dev.lifeboat.adapters.rds;

import dev.lifeboat.adapters.aws.AwsErrors;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.RdsGateway;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The gateway the entry points get: every call of {@link AwsRdsGateway} with the SDK exceptions it does
 * not translate itself (permissions, keys, states, no network) turned into {@code AwsCallFailedException}
 * by {@link AwsErrors}, naming the call and its account and Region. One place for every method, so a
 * method added to the port is covered too.
 */
final class TranslatedRdsGateway {
    private TranslatedRdsGateway() {}

    static RdsGateway of(AwsRdsGateway target) {
        return of(target, java.util.Optional.empty());
    }

    /** @param network the function and its network, named when a call gets no answer */
    static RdsGateway of(AwsRdsGateway target, java.util.Optional<String> network) {
        return translated(RdsGateway.class, target, "RDS", network);
    }

    /** Any port over AWS, with the same translation: the first Location argument names where the call went. */
    static <T> T translated(Class<T> port, T target, String service, java.util.Optional<String> network) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SdkException sdk) {
                    String where = args != null && args.length > 0 && args[0] instanceof Location l
                            ? l.toString()
                            : "the backup account";
                    throw AwsErrors.translate(service, method.getName(), where, network, sdk);
                }
                throw cause;
            }
        }));
    }
}
