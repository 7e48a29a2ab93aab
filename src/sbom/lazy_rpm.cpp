// librpm, loaded when an image's rpm database is first read for its SBOM
// (common/lazy_library.hpp): its functions, and librpmio's it loads with it, that rpmdb.cpp calls.
#include "sbom/lazy_rpm.hpp"

#include "common/lazy_library.hpp"

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>

namespace {
const hubtel::lazy::Library librpm{HUBTEL_AI_LIBRPM_SONAME, HUBTEL_AI_LIBRPM_PACKAGE,
                                   "reading the rpm database of an Amazon Linux base"};
}  // namespace

// NOLINTBEGIN(bugprone-macro-parentheses): the macro's arguments are a parameter list and an
// argument list.
HUBTEL_LAZY(librpm, int, rpmReadConfigFiles, (const char* file, const char* target), (file, target))
HUBTEL_LAZY(librpm, int, rpmPushMacro,
            (rpmMacroContext context, const char* name, const char* options, const char* body,
             int level),
            (context, name, options, body, level))
HUBTEL_LAZY(librpm, int, rpmPopMacro, (rpmMacroContext context, const char* name), (context, name))
HUBTEL_LAZY(librpm, rpmlogCallback, rpmlogSetCallback,
            (rpmlogCallback callback, rpmlogCallbackData data), (callback, data))
HUBTEL_LAZY(librpm, const char*, rpmlogRecMessage, (rpmlogRec record), (record))
HUBTEL_LAZY(librpm, rpmts, rpmtsCreate, (), ())
HUBTEL_LAZY(librpm, rpmts, rpmtsFree, (rpmts ts), (ts))
HUBTEL_LAZY(librpm, int, rpmtsSetRootDir, (rpmts ts, const char* root), (ts, root))
HUBTEL_LAZY(librpm, rpmVSFlags, rpmtsSetVSFlags, (rpmts ts, rpmVSFlags flags), (ts, flags))
HUBTEL_LAZY(librpm, int, rpmtsOpenDB, (rpmts ts, int mode), (ts, mode))
HUBTEL_LAZY(librpm, rpmdbMatchIterator, rpmtsInitIterator,
            (const rpmts ts, rpmDbiTagVal tag, const void* key, size_t length),
            (ts, tag, key, length))
HUBTEL_LAZY(librpm, Header, rpmdbNextIterator, (rpmdbMatchIterator iterator), (iterator))
HUBTEL_LAZY(librpm, rpmdbMatchIterator, rpmdbFreeIterator, (rpmdbMatchIterator iterator),
            (iterator))
HUBTEL_LAZY(librpm, const char*, headerGetString, (Header header, rpmTagVal tag), (header, tag))
HUBTEL_LAZY(librpm, uint64_t, headerGetNumber, (Header header, rpmTagVal tag), (header, tag))
HUBTEL_LAZY(librpm, int, headerIsEntry, (Header header, rpmTagVal tag), (header, tag))
// NOLINTEND(bugprone-macro-parentheses)

namespace hubtel::sbom {

const char* librpm_version() {
  return *static_cast<const char* const*>(lazy::symbol(librpm, "RPMVERSION"));
}

}  // namespace hubtel::sbom
