/* The process-wide registry of named breakers: one breaker per name for
 * every thread, refcounted. */
#include "breaker_impl.h"

/* ---- registry ----------------------------------------------------------- */

/* Guards ofl__reg_head and every breaker's name/refs/pins/next. */
static uv_once_t ofl__reg_once = UV_ONCE_INIT;
static uv_mutex_t ofl__reg_lock;
static ofl_breaker_t *ofl__reg_head;

static void ofl__reg_init(void) {
  if (uv_mutex_init(&ofl__reg_lock) != 0) abort();
}

static char *ofl__strdup(const char *s) {
  const size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

void ofl_breaker_free(ofl_breaker_t *b) {
  if (b == NULL) return;
  if (b->name != NULL) {
    ofl_breaker_registry_release(b);
    return;
  }
  ofl__breaker_destroy(b);
}

int ofl_breaker_registry_acquire(const char *name,
                                 const ofl_breaker_opts_t *opts,
                                 uint64_t now_ms, ofl_breaker_t **out) {
  ofl_breaker_opts_t o;
  if (name == NULL || name[0] == '\0' || out == NULL) return OFL_EINVAL;
  int rc = ofl__breaker_opts_resolve(opts, &o);
  if (rc != 0) return rc;

  uv_once(&ofl__reg_once, ofl__reg_init);
  uv_mutex_lock(&ofl__reg_lock);
  ofl_breaker_t *b = ofl__reg_head;
  while (b != NULL && strcmp(b->name, name) != 0) b = b->next;
  if (b != NULL) {
    if (!ofl__breaker_opts_equal(&b->opts, &o)) {
      rc = OFL_EINVAL;
    } else {
      b->refs++;
      *out = b;
    }
    uv_mutex_unlock(&ofl__reg_lock);
    return rc;
  }
  char *copy = ofl__strdup(name);
  if (copy == NULL) {
    uv_mutex_unlock(&ofl__reg_lock);
    return OFL_ENOMEM;
  }
  rc = ofl_breaker_create(&o, now_ms, &b);
  if (rc != 0) {
    free(copy);
    uv_mutex_unlock(&ofl__reg_lock);
    return rc;
  }
  b->name = copy;
  b->refs = 1;
  b->next = ofl__reg_head;
  ofl__reg_head = b;
  *out = b;
  uv_mutex_unlock(&ofl__reg_lock);
  return 0;
}

int ofl_breaker_registry_find(const char *name, ofl_breaker_t **out) {
  if (name == NULL || name[0] == '\0' || out == NULL) return OFL_EINVAL;
  uv_once(&ofl__reg_once, ofl__reg_init);
  uv_mutex_lock(&ofl__reg_lock);
  ofl_breaker_t *b = ofl__reg_head;
  while (b != NULL && strcmp(b->name, name) != 0) b = b->next;
  if (b != NULL) {
    b->refs++;
    *out = b;
  }
  uv_mutex_unlock(&ofl__reg_lock);
  return b != NULL ? 0 : OFL_EINVAL;
}

void ofl_breaker_registry_release(ofl_breaker_t *b) {
  if (b == NULL) return;
  uv_once(&ofl__reg_once, ofl__reg_init);
  uv_mutex_lock(&ofl__reg_lock);
  if (--b->refs > 0) {
    uv_mutex_unlock(&ofl__reg_lock);
    return;
  }
  ofl_breaker_t **pp = &ofl__reg_head;
  while (*pp != NULL && *pp != b) pp = &(*pp)->next;
  if (*pp == b) *pp = b->next;
  const int gone = b->pins == 0;
  uv_mutex_unlock(&ofl__reg_lock);
  if (gone) ofl__breaker_destroy(b);
}

void ofl_breaker_registry_pin(ofl_breaker_t *b) {
  if (b == NULL) return;
  uv_once(&ofl__reg_once, ofl__reg_init);
  uv_mutex_lock(&ofl__reg_lock);
  b->pins++;
  uv_mutex_unlock(&ofl__reg_lock);
}

void ofl_breaker_registry_unpin(ofl_breaker_t *b) {
  if (b == NULL) return;
  uv_once(&ofl__reg_once, ofl__reg_init);
  uv_mutex_lock(&ofl__reg_lock);
  const int gone = --b->pins == 0 && b->refs == 0;
  uv_mutex_unlock(&ofl__reg_lock);
  if (gone) ofl__breaker_destroy(b);
}

void ofl_breaker_registry_names_free(char **names, size_t count) {
  if (names == NULL) return;
  for (size_t i = 0; i < count; i++) free(names[i]);
  free(names);
}

int ofl_breaker_registry_names(char ***names, size_t *count) {
  if (names == NULL || count == NULL) return OFL_EINVAL;
  *names = NULL;
  *count = 0;
  uv_once(&ofl__reg_once, ofl__reg_init);
  uv_mutex_lock(&ofl__reg_lock);
  size_t n = 0;
  for (ofl_breaker_t *b = ofl__reg_head; b != NULL; b = b->next) n++;
  if (n == 0) {
    uv_mutex_unlock(&ofl__reg_lock);
    return 0;
  }
  char **v = calloc(n, sizeof(*v));
  if (v == NULL) {
    uv_mutex_unlock(&ofl__reg_lock);
    return OFL_ENOMEM;
  }
  size_t i = 0;
  for (ofl_breaker_t *b = ofl__reg_head; b != NULL; b = b->next, i++) {
    v[i] = ofl__strdup(b->name);
    if (v[i] == NULL) {
      uv_mutex_unlock(&ofl__reg_lock);
      ofl_breaker_registry_names_free(v, i);
      return OFL_ENOMEM;
    }
  }
  uv_mutex_unlock(&ofl__reg_lock);
  *names = v;
  *count = n;
  return 0;
}

const char *ofl_breaker_name(const ofl_breaker_t *b) {
  return b == NULL ? NULL : b->name;
}
