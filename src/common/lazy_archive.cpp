// libarchive, loaded when an archive, a compressed layer or a file out of a container is first
// read (common/lazy_library.hpp). Only the functions the helper calls are forwarded: a call to any
// other fails to link, and is added here.
#include "common/lazy_library.hpp"

#include <archive.h>
#include <archive_entry.h>

namespace {
const hubtel::lazy::Library libarchive{HUBTEL_AI_LIBARCHIVE_SONAME, HUBTEL_AI_LIBARCHIVE_PACKAGE,
                                       "reading image archives and layers"};
}  // namespace

// NOLINTBEGIN(bugprone-macro-parentheses): the macro's arguments are a parameter list and an
// argument list.
HUBTEL_LAZY(libarchive, struct archive*, archive_read_new, (), ())
HUBTEL_LAZY(libarchive, int, archive_read_free, (struct archive * a), (a))
HUBTEL_LAZY(libarchive, int, archive_read_support_filter_all, (struct archive * a), (a))
HUBTEL_LAZY(libarchive, int, archive_read_support_format_tar, (struct archive * a), (a))
HUBTEL_LAZY(libarchive, int, archive_read_open,
            (struct archive * a, void* data, archive_open_callback* open,
             archive_read_callback* read, archive_close_callback* close),
            (a, data, open, read, close))
HUBTEL_LAZY(libarchive, int, archive_read_open2,
            (struct archive * a, void* data, archive_open_callback* open,
             archive_read_callback* read, archive_skip_callback* skip,
             archive_close_callback* close),
            (a, data, open, read, skip, close))
HUBTEL_LAZY(libarchive, int, archive_read_open_filename,
            (struct archive * a, const char* name, size_t block), (a, name, block))
HUBTEL_LAZY(libarchive, int, archive_read_open_memory,
            (struct archive * a, const void* bytes, size_t size), (a, bytes, size))
HUBTEL_LAZY(libarchive, int, archive_read_next_header,
            (struct archive * a, struct archive_entry** entry), (a, entry))
HUBTEL_LAZY(libarchive, la_ssize_t, archive_read_data,
            (struct archive * a, void* into, size_t size), (a, into, size))
HUBTEL_LAZY(libarchive, int, archive_read_data_block,
            (struct archive * a, const void** bytes, size_t* size, la_int64_t* offset),
            (a, bytes, size, offset))
HUBTEL_LAZY(libarchive, const char*, archive_error_string, (struct archive * a), (a))
HUBTEL_LAZY(libarchive, int, archive_filter_count, (struct archive * a), (a))
HUBTEL_LAZY(libarchive, int, archive_filter_code, (struct archive * a, int n), (a, n))
HUBTEL_LAZY(libarchive, la_int64_t, archive_filter_bytes, (struct archive * a, int n), (a, n))
HUBTEL_LAZY(libarchive, __LA_MODE_T, archive_entry_filetype, (struct archive_entry * e), (e))
HUBTEL_LAZY(libarchive, const char*, archive_entry_pathname, (struct archive_entry * e), (e))
HUBTEL_LAZY(libarchive, const char*, archive_entry_hardlink, (struct archive_entry * e), (e))
HUBTEL_LAZY(libarchive, const char*, archive_entry_symlink, (struct archive_entry * e), (e))
HUBTEL_LAZY(libarchive, la_int64_t, archive_entry_size, (struct archive_entry * e), (e))
HUBTEL_LAZY(libarchive, int, archive_entry_size_is_set, (struct archive_entry * e), (e))
// NOLINTEND(bugprone-macro-parentheses)
