/**
 * The {@code echelon} command line: pushes recorded replay files to a server and plays a
 * synthetic trainer for demos. It is a user of the SDK like any trainer, and lives in its own
 * artifact so that trainers who depend on the SDK do not carry it.
 */
package dev.echelon.cli;
