#!/usr/bin/env python3
# hubtel-python: the steps of a Python image's builder that need Python itself: the dependencies
# of a pyproject.toml, whether the builder can build its project offline, and byte code compiled
# for the runtime's Python.
#   hubtel-python deps <pyproject.toml> <with-requirements: 0|1> [constraints]   its dependencies,
#                                                                  one a line
#   hubtel-python installed <pyproject.toml> <dir>                  each dependency is installed
#   hubtel-python check-build <pyproject.toml>                      the backend can run offline
#   hubtel-python compile <runtime-root> <strict: 0|1> <dir>...     .pyc files for the runtime
import os
import sys


def fail(path, what):
    # Files of the build context are named as the project names them.
    shown = path[len("/hubtel/context/"):] if path.startswith("/hubtel/context/") else path
    sys.stderr.write("hubtel: %s: %s\n" % (shown, what))
    sys.exit(1)


def load(path):
    try:
        import tomllib
    except ImportError:
        from pip._vendor import tomli as tomllib
    try:
        with open(path, "rb") as stream:
            return tomllib.load(stream)
    except UnicodeDecodeError as error:
        fail(path, "is not UTF-8 text, as TOML must be: %s" % error)
    except tomllib.TOMLDecodeError as error:
        fail(path, "is not valid TOML: %s" % error)


def project_table(path, document):
    project = document.get("project")
    if not isinstance(project, dict):
        fail(path, "has no [project] table: HubtelAI installs the PEP 621 [project] dependencies "
             "of a pyproject.toml; add a [project] table with name, version and dependencies")
    return project


def listed_deps(path, with_requirements):
    project = project_table(path, load(path))
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list):
        fail(path, "[project] dynamic is not a list of field names")
    if "dependencies" in dynamic:
        if with_requirements:
            return []
        fail(path, "[project] dynamic lists \"dependencies\", which HubtelAI cannot read before "
             "the build: list them in [project] dependencies, or name the requirements file "
             "they come from in REQUIREMENTS too")
    listed = project.get("dependencies", [])
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        fail(path, "[project] dependencies is not a list of strings (PEP 508 requirements)")
    for item in listed:
        parsed(path, item)
    return listed


def parsed(path, item):
    # Each one becomes a line of a pip requirements file: one that pip would split (it splits at
    # any line break Python knows, \r and U+2028 among them), join with the next (a final
    # backslash) or read as an option is refused, as is anything that is no PEP 508 requirement.
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
    try:
        if item.splitlines() != [item] or item.rstrip().endswith("\\"):
            raise InvalidRequirement(item)
        return Requirement(item)
    except InvalidRequirement:
        fail(path, "[project] dependencies holds %r, which is no PEP 508 requirement" % item)


def deps(path, with_requirements, constraints):
    # As constraints (beside a requirements file that pins with hashes, where pip takes no
    # unpinned requirement): a constraint names no extras.
    for item in listed_deps(path, with_requirements):
        if constraints:
            requirement = parsed(path, item)
            requirement.extras = set()
            item = str(requirement)
        print(item)


def normalized(name):
    import re
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(path, target):
    # Each dependency given as a constraint is installed (a constraint alone installs nothing).
    # One with an environment marker is not checked: the marker is the target's, not this builder's.
    import importlib.metadata
    have = {normalized(dist.metadata["Name"] or "")
            for dist in importlib.metadata.distributions(path=[target])}
    for item in listed_deps(path, True):
        requirement = parsed(path, item)
        if requirement.marker is None and normalized(requirement.name) not in have:
            fail(path, "[project] dependencies names %s, which the requirements file does not "
                 "install (with --hash, pip installs only what the requirements file pins): add it "
                 "with its hashes to the requirements file" % requirement.name)


def check_build(path):
    import importlib.metadata
    import importlib.util
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement

    document = load(path)
    project_table(path, document)
    system = document.get("build-system", {})
    if not isinstance(system, dict):
        fail(path, "[build-system] is not a table")
    backend = system.get("build-backend", "setuptools.build_meta:__legacy__")
    if not isinstance(backend, str) or not backend:
        fail(path, "[build-system] build-backend is not a module name")
    # The top-level package alone: finding it imports nothing.
    module = backend.split(":")[0].strip().split(".")[0]
    try:
        found = bool(module) and importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        fail(path, "[build-system] build-backend \"%s\" cannot run here: the builder has no "
             "module %s, and the project is built offline without build isolation (pip fetches "
             "nothing); use \"setuptools.build_meta\", or add the backend to the builder "
             "(BUILDER_PACKAGES, e.g. python3-%s)" % (backend, module, module))
    requires = system.get("requires", [])
    if not isinstance(requires, list):
        fail(path, "[build-system] requires is not a list")
    for text in requires:
        try:
            requirement = Requirement(text)
        except (InvalidRequirement, TypeError, AttributeError):
            fail(path, "[build-system] requires holds %r, which is no PEP 508 requirement" % text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        # setuptools builds wheels itself since 70.1; older templates still list "wheel".
        if module == "setuptools" and requirement.name == "wheel":
            continue
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            fail(path, "[build-system] requires \"%s\", which the builder lacks (the project is "
                 "built offline without build isolation): add it to the builder" % text)
        if requirement.specifier and not requirement.specifier.contains(version,
                                                                          prereleases=True):
            fail(path, "[build-system] requires \"%s\", but the builder has %s %s"
                 % (text, requirement.name, version))


def runtime_version(root):
    # The runtime's Python, from its files alone (nothing of the runtime runs here).
    found = set()
    for prefix in ("usr/lib", "usr/local/lib", "var/lang/lib", "opt/python/lib"):
        base = os.path.join(root, prefix)
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            if name.startswith("python3.") and os.path.isfile(os.path.join(base, name, "os.py")):
                found.add(name[len("python"):])
    return sorted(found)


def compile_dirs(root, strict, dirs):
    import compileall
    import py_compile

    mine = "%d.%d" % sys.version_info[:2]
    versions = runtime_version(root)
    if versions != [mine]:
        if versions:
            why = ("the runtime base's Python is %s, the builder's %s (a builder with the "
                   "runtime's Python compiles it)" % (" and ".join(versions), mine))
            then = "the runtime compiles each module at its first import instead"
        else:
            why = ("no Python found in the runtime base's files (usr/lib, usr/local/lib, "
                   "var/lang/lib, opt/python/lib)")
            then = ("warning: unless the base has its Python elsewhere, the function cannot "
                    "start on it; a Lambda Python base (RUNTIME_IMAGE, or "
                    "HUBTEL_RUNTIME_IMAGE_PYTHON3_<minor>) has one")
        sys.stderr.write("hubtel: byte code not compiled at build time: %s; %s\n"
                         % (why, then))
        if strict:
            # The sources are still checked to compile, and no byte code is kept.
            import shutil
            for path in dirs:
                if not compileall.compile_dir(path, quiet=1, force=True):
                    sys.exit(1)
                for top, subdirs, _ in os.walk(path, topdown=False):
                    if "__pycache__" in subdirs:
                        shutil.rmtree(os.path.join(top, "__pycache__"))
        return
    mode = py_compile.PycInvalidationMode.CHECKED_HASH
    ok = True
    for path in dirs:
        ok = compileall.compile_dir(path, quiet=1, force=True, invalidation_mode=mode,
                                    workers=0) and ok
    sys.stderr.write("hubtel: byte code compiled for the runtime's Python %s (checked-hash): %s\n"
                     % (mine, " ".join(dirs)))
    if strict and not ok:
        sys.exit(1)


def hashed(path):
    # Whether a requirements file pins with hashes: an option --hash or --require-hashes outside
    # a comment (from a # at a line's start or after white space, as pip reads it), on a line of
    # its own or joined to the one before by a final backslash. Exit 0 when it does, 1 when not.
    import re
    with open(path, encoding="utf-8", errors="replace") as stream:
        for line in stream:
            line = re.sub(r"(^|\s)#.*", "", line)
            if re.search(r"(^|\s)--(hash|require-hashes)(=|\s|$)", line):
                sys.exit(0)
    sys.exit(1)


def main(argv):
    if len(argv) >= 3 and argv[1] == "deps":
        deps(argv[2], argv[3:4] == ["1"], argv[4:] == ["constraints"])
    elif len(argv) == 4 and argv[1] == "installed":
        installed(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "check-build":
        check_build(argv[2])
    elif len(argv) == 3 and argv[1] == "hashed":
        hashed(argv[2])
    elif len(argv) >= 5 and argv[1] == "compile":
        compile_dirs(argv[2], argv[3] == "1", argv[4:])
    else:
        sys.stderr.write("usage: hubtel-python deps|installed|check-build|hashed|compile ...\n")
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
