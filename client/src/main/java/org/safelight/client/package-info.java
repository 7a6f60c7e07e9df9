/**
 * The Java SDK: the HTTP clients of the roles (accounts, cloud, key server, enterprise listing,
 * trust of key servers, share links). The filing pipeline that {@code sync} and the endpoint share
 * is in {@code org.safelight.client.filing} (open a received file: key, verify, decrypt, atomic
 * folder) and {@code org.safelight.client.sync} (the enterprise listing's download loop). This
 * module depends on {@code format} only, never on a server role.
 */
package org.safelight.client;
