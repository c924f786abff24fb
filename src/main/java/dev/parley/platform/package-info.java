/** Platform: the JAX-RS application, errors, input parsing, limits and schema migration. */
package dev.parley.platform;
