/* Calls the model compiled from tiny.onnxtxt (see docs/cli.md). */
#include <stdio.h>
#include <stdlib.h>
#include "tiny.h"

int main(void) {
  float x[2][3] = {{1, 2, 3}, {-1, 0, 1}};
  int64_t x_shape[TINY_INPUT_X_RANK] = {2, 3};
  int64_t y_shape[TINY_OUTPUT_Y_RANK];
  qopt_tensor input = {x, x_shape, NULL};
  qopt_tensor output = {NULL, y_shape, NULL};
  if (tiny_run(&input, &output) != 0)
    return fprintf(stderr, "tiny_run failed\n"), 1;
  printf("y: shape [%lld, %lld]\n", (long long)y_shape[0], (long long)y_shape[1]);
  const float *y = output.data;
  for (int64_t i = 0; i < y_shape[0] * y_shape[1]; ++i)
    printf("%g%s", y[i], (i + 1) % y_shape[1] ? " " : "\n");
  free(output.allocation);
  return 0;
}
