/** The Java SDK: HTTP clients of the roles and the filing pipeline sync and the endpoint share. */
package org.safelight.client;
