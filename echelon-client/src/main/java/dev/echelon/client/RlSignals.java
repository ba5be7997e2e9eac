package dev.echelon.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-mech reinforcement-learning signals for one frame (reward, value, entropy, an action's
 * number, …), attached under each mech's {@code rl} object by {@link LiveStream#addFrame(Object,
 * RlSignals)}. The server sums {@code reward} into each team's return in a replay's outcome; the
 * viewer plots every number. An immutable value: build one per frame.
 *
 * <pre>{@code
 * stream.addFrame(frame, RlSignals.builder().put("blue_0", "reward", r0).put("blue_0", "value", v0).build());
 * }</pre>
 */
public final class RlSignals {
  private final Map<String, Map<String, Double>> byMech;

  private RlSignals(Map<String, Map<String, Double>> byMech) {
    this.byMech = byMech;
  }

  public static Builder builder() {
    return new Builder(new LinkedHashMap<>());
  }

  /** A builder holding these signals, to add to. */
  public Builder newBuilder() {
    Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
    byMech.forEach((mech, values) -> copy.put(mech, new LinkedHashMap<>(values)));
    return new Builder(copy);
  }

  /** The signals of each mech, by mech id, then by name. */
  public Map<String, Map<String, Double>> byMech() {
    return byMech;
  }

  public static final class Builder {
    private final Map<String, Map<String, Double>> byMech;

    private Builder(Map<String, Map<String, Double>> byMech) {
      this.byMech = byMech;
    }

    /** Sets one signal of one mech; JSON has no NaN or infinity, so the value must be finite. */
    public Builder put(String mechId, String name, double value) {
      Objects.requireNonNull(mechId, "mechId");
      Objects.requireNonNull(name, "name");
      if (mechId.isEmpty()) throw new IllegalArgumentException("mechId must not be empty");
      if (name.isEmpty()) throw new IllegalArgumentException("signal name must not be empty (mech " + mechId + ")");
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("signal " + name + " of mech " + mechId + " must be finite, got " + value);
      }
      byMech.computeIfAbsent(mechId, k -> new LinkedHashMap<>()).put(name, value);
      return this;
    }

    public RlSignals build() {
      Map<String, Map<String, Double>> frozen = new LinkedHashMap<>();
      byMech.forEach((mech, values) -> frozen.put(mech, Map.copyOf(values)));
      return new RlSignals(java.util.Collections.unmodifiableMap(frozen));
    }
  }
}
