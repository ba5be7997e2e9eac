/**
 * The Echelon replay protocol shared by the server and the trainer SDK: validated wire records for
 * chunks, worlds and nav requests, the world hash that Python trainers compute, and the bounded
 * single-flight cache that keeps expensive per-world work to one build. Nothing here knows HTTP.
 */
package dev.echelon.core;
