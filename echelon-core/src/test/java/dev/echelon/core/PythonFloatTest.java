package dev.echelon.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonFloatTest {

  @ParameterizedTest(name = "repr({0}) == {1}")
  @CsvSource({
    "5.0, 5.0", "0.1, 0.1", "1e-05, 1e-05", "100, 100.0", "-0.0, -0.0", "1.5e300, 1.5e+300",
    "123456789012345678.0, 1.2345678901234568e+17", "0.0001, 0.0001", "1e16, 1e+16",
    "1e15, 1000000000000000.0", "0.0025, 0.0025", "3.141592653589793, 3.141592653589793",
    "1e22, 1e+22", "5e-324, 5e-324", "1.7976931348623157e308, 1.7976931348623157e+308",
    "-1.25e-10, -1.25e-10", "12.0, 12.0", "1234567.0, 1234567.0", "12345678.5, 12345678.5",
    "0.00012, 0.00012", "9999999999999998.0, 9999999999999998.0", "1.5e-5, 1.5e-05",
    "2.5e100, 2.5e+100", "0.5, 0.5", "1.2345e-7, 1.2345e-07", "10.668119441011463, 10.668119441011463"
  })
  void matchesPythonRepr(double value, String python) {
    assertThat(PythonFloat.repr(value)).isEqualTo(python);
  }
}
