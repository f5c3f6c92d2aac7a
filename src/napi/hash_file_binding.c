/* hashFile(): open, read and hash on an executor thread, in 1 MiB reads
 * into one native buffer: no JS buffers and bounded memory. Uses libuv's
 * synchronous fs calls (loop NULL), never the shared threadpool. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "hash_args.h"
#include "napi_env.h"
#include "ofl_errors.h"

#define READ_SIZE (1u << 20)

typedef struct {
  ofl_job_t job;
  ofl_hash_args_t args;
  char *path;
  uint8_t digest[64];
  uint8_t *xof;
} file_job_t;

/* Detail format read by lib/hash/one_shot.js: "<UV_CODE>|<syscall>|<message>".
 */
static int fs_error(ofl_job_t *job, int uv_err, const char *syscall) {
  snprintf(job->detail, sizeof(job->detail), "%s|%s|%s", uv_err_name(uv_err),
           syscall, uv_strerror(uv_err));
  return OFL_EIO;
}

static const char *file_type(uint64_t mode) {
  switch (mode & S_IFMT) {
#ifdef S_IFIFO
    case S_IFIFO:
      return "FIFO";
#endif
    case S_IFCHR:
      return "character device";
#ifdef S_IFBLK
    case S_IFBLK:
      return "block device";
#endif
#ifdef S_IFSOCK
    case S_IFSOCK:
      return "socket";
#endif
    case S_IFDIR:
      return "directory";
    default:
      return "non-regular file";
  }
}

/* Only regular files: a FIFO or device read can block for ever and would
 * hold an executor thread that cancellation cannot reach. O_NONBLOCK keeps
 * the open itself from waiting for a FIFO writer; it is cleared once the
 * file is known to be regular. Detail "NOTREG|<type>" is read by lib/. */
static int open_regular(ofl_job_t *job, const char *path, int *fd_out) {
  uv_fs_t req;
#ifdef _WIN32
  int fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
#else
  int fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY | O_NONBLOCK | O_CLOEXEC,
                      0, NULL);
#endif
  uv_fs_req_cleanup(&req);
  if (fd < 0) return fs_error(job, fd, "open");
  int err = uv_fs_fstat(NULL, &req, fd, NULL);
  uint64_t mode = req.statbuf.st_mode;
  uv_fs_req_cleanup(&req);
  if (err < 0) {
    err = fs_error(job, err, "fstat");
  } else if ((mode & S_IFMT) == S_IFDIR) {
    err = fs_error(job, UV_EISDIR, "read"); /* as node:fs reports it */
  } else if ((mode & S_IFMT) != S_IFREG) {
    snprintf(job->detail, sizeof(job->detail), "NOTREG|%s", file_type(mode));
    err = OFL_EINVAL;
  } else {
#ifndef _WIN32
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
      err = fs_error(job, uv_translate_sys_error(errno), "fcntl");
#endif
  }
  if (err != 0) {
    uv_fs_close(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
    return err;
  }
  *fd_out = fd;
  return 0;
}

static int file_work(ofl_job_t *job) {
  file_job_t *f = (file_job_t *)job;
  uv_fs_t req;
  int fd = -1;
  int oerr = open_regular(job, f->path, &fd);
  if (oerr != 0) return oerr;
  uint8_t *buf = malloc(READ_SIZE);
  ofl_hash_ctx_t *ctx = NULL;
  int err = buf == NULL
                ? OFL_ENOMEM
                : ofl_hash_ctx_create(f->args.algo, &f->args.opts, &ctx);
  while (err == 0) {
    err = ofl_task_should_stop(&job->task);
    if (err != 0) break;
    uv_buf_t b = uv_buf_init((char *)buf, READ_SIZE);
    int n = uv_fs_read(NULL, &req, fd, &b, 1, -1, NULL);
    uv_fs_req_cleanup(&req);
    if (n < 0) {
      err = fs_error(job, n, "read");
      break;
    }
    if (n == 0) break;
    err = ofl_hash_ctx_update(ctx, buf, (size_t)n);
  }
  if (err == 0) {
    uint8_t *out = f->xof != NULL ? f->xof : f->digest;
    err = ofl_hash_ctx_final(ctx, out, f->args.digest_size);
    if (err > 0) err = 0;
  }
  ofl_hash_ctx_free(ctx);
  free(buf);
  uv_fs_close(NULL, &req, fd, NULL);
  uv_fs_req_cleanup(&req);
  return err;
}

static napi_status file_result(napi_env env, ofl_job_t *job, napi_value *out) {
  file_job_t *f = (file_job_t *)job;
  return napi_create_buffer_copy(
      env, f->args.digest_size, f->xof != NULL ? f->xof : f->digest, NULL, out);
}

static void file_destroy(ofl_job_t *job) {
  file_job_t *f = (file_job_t *)job;
  free(f->path);
  free(f->xof);
}

static const ofl_job_vtable_t file_vt = {file_work, file_result, file_destroy,
                                         NULL, "hashFile"};

/* hashFile(path, algo, key, seed, outLen, lane, timeout, cb) */
static napi_value hash_file(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  file_job_t *f = (file_job_t *)ofl_job_alloc(sizeof(*f), &file_vt);
  if (f == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  uint32_t lane = 0;
  double timeout = 0;
  ofl_bytes_t pb;
  /* The path arrives as bytes (lib/ encodes strings as UTF-8) so that
   * non-UTF-8 names pass through unchanged, as in node:fs. */
  if (ofl_hash_args_parse(env, argv + 1, &f->args) != 0 ||
      ofl_napi_get_u32(env, argv[5], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[6], "timeout", &timeout) != 0 ||
      ofl_napi_get_bytes(env, argv[0], "path", &pb) != 0) {
    ofl_job_discard(env, &f->job);
    return NULL;
  }
  if (pb.len > 0 && memchr(pb.data, 0, pb.len) != NULL) {
    ofl_job_discard(env, &f->job);
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "invalid path");
    return NULL;
  }
  if (f->args.opts.key != NULL) f->args.opts.key = f->args.key;
  f->path = pb.len < SIZE_MAX ? malloc(pb.len + 1) : NULL;
  if (f->path == NULL || (f->args.digest_size > sizeof(f->digest) &&
                          (f->xof = malloc(f->args.digest_size)) == NULL)) {
    ofl_job_discard(env, &f->job);
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  if (pb.len > 0) memcpy(f->path, pb.data, pb.len);
  f->path[pb.len] = '\0';
  int64_t id = ofl_job_submit(env, &f->job, argv[7], (int)lane, timeout);
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &out));
  return out;
}

napi_status ofl_napi_init_hash_file(napi_env env, napi_value exports) {
  napi_property_descriptor p = {"hashFile", NULL, hash_file,    NULL,
                                NULL,       NULL, napi_default, NULL};
  return napi_define_properties(env, exports, 1, &p);
}
