/**
 * The HTTP surface: one {@code HttpService} per path prefix, request bodies read within their
 * limits, the push token, and errors mapped to {@code {"detail"}} answers in one place. Services
 * call down into the live viewers, the replay log and nav; nothing below knows HTTP.
 */
package dev.echelon.server.http;
