/** The after-commit exit where committed changes leave for live delivery, on one node or several. */
package dev.parley.cluster;
