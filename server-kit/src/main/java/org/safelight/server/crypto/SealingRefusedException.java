package org.safelight.server.crypto;

/**
 * {@link MasterKey#seal} refused: a master key rotation away from this process's key is under way,
 * so anything sealed under it now would be lost when it is retired. Not a fault of the request: the
 * server answers 503 with {@code Retry-After} (see {@code ErrorAnswer}), its readiness check fails,
 * and a load balancer sends the retry to a server on the new key.
 */
public class SealingRefusedException extends MasterKeyException {
    public SealingRefusedException(String message) {
        super(message, null);
    }
}
