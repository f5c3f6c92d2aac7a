/* Names and the one-shot entry point of the image module. */
#include <string.h>

#include "ofl_errors.h"
#include "ofl_image.h"

static const char *const kernel_names[OFL_IMAGE_KERNEL_COUNT] = {
    "nearest", "linear", "cubic", "mitchell", "lanczos2", "lanczos3"};

int ofl_image_kernel_from_name(const char *name) {
  if (name == NULL) return OFL_EUNSUPPORTED;
  for (int i = 0; i < (int)OFL_IMAGE_KERNEL_COUNT; i++)
    if (strcmp(name, kernel_names[i]) == 0) return i;
  return OFL_EUNSUPPORTED;
}

const char *ofl_image_kernel_name(ofl_image_kernel_t kernel) {
  return (unsigned)kernel < OFL_IMAGE_KERNEL_COUNT ? kernel_names[kernel]
                                                   : NULL;
}

int ofl_image_resize(const ofl_image_t *src, ofl_image_t *dst,
                     const ofl_image_resize_opts_t *opts) {
  ofl_image_plan_t *plan;
  int err = ofl_image_plan_create(src, dst, opts, &plan);
  if (err != 0) return err;
  err = ofl_image_plan_run(plan, 0, dst->height, NULL, NULL);
  ofl_image_plan_free(plan);
  return err;
}
