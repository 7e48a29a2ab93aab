"""Validates SBOM documents: CycloneDX (*.cdx.json) against the published CycloneDX 1.5 JSON
schema, with the SPDX licence and JSF schemas it refers to, from the folder given; SPDX
(*.spdx.json) against the published SPDX 2.3.1 JSON schema (spdx-2.3.schema.json beside this
script: its validation keywords, descriptions left out) and the rules of SPDX 2.3 the schema
cannot say (identifiers that resolve, checksum lengths, relationships). Then checks what every
document must say of the test images.

Usage: sbom_validate.py <cyclonedx schema folder> <document>...
"""

import json
import pathlib
import re
import sys

from jsonschema import Draft7Validator, Draft201909Validator
from referencing import Registry, Resource

SPDX_ID = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")
HEX = {"SHA1": 40, "SHA256": 64}
# The members SPDX 2.3 defines for each kind of object (its JSON schema allows no others).
MEMBERS = {
    "document": {"$schema", "SPDXID", "annotations", "comment", "creationInfo", "dataLicense",
                 "externalDocumentRefs", "hasExtractedLicensingInfos", "name", "revieweds",
                 "spdxVersion", "documentNamespace", "documentDescribes", "packages", "files",
                 "snippets", "relationships"},
    "creationInfo": {"comment", "created", "creators", "licenseListVersion"},
    "package": {"SPDXID", "annotations", "attributionTexts", "builtDate", "checksums", "comment",
                "copyrightText", "description", "downloadLocation", "externalRefs",
                "filesAnalyzed", "hasFiles", "homepage", "licenseComments", "licenseConcluded",
                "licenseDeclared", "licenseInfoFromFiles", "name", "originator", "packageFileName",
                "packageVerificationCode", "primaryPackagePurpose", "releaseDate", "sourceInfo",
                "summary", "supplier", "validUntilDate", "versionInfo"},
    "file": {"SPDXID", "annotations", "artifactOfs", "attributionTexts", "checksums", "comment",
             "copyrightText", "fileContributors", "fileDependencies", "fileName", "fileTypes",
             "licenseComments", "licenseConcluded", "licenseInfoInFiles", "noticeText"},
    "relationship": {"spdxElementId", "comment", "relatedSpdxElement", "relationshipType"},
    "checksum": {"algorithm", "checksumValue"},
    "externalRef": {"comment", "referenceCategory", "referenceLocator", "referenceType"},
}
RELATIONSHIPS = {"DESCRIBES", "CONTAINS", "DESCENDANT_OF", "GENERATED_FROM", "DEPENDS_ON"}
PURPOSES = {"APPLICATION", "FRAMEWORK", "LIBRARY", "CONTAINER", "OPERATING-SYSTEM", "DEVICE",
            "FIRMWARE", "SOURCE", "ARCHIVE", "FILE", "INSTALL", "OTHER"}


def cyclonedx_validator(folder):
    base = "http://cyclonedx.org/schema/"
    resources = []
    for name in ("bom-1.5", "spdx", "jsf-0.82"):
        document = json.loads((folder / f"{name}.SNAPSHOT.schema.json").read_text("utf-8"))
        resource = Resource.from_contents(document)
        # By its $id, and by the file name the BOM schema's $refs use.
        resources.append((document["$id"], resource))
        resources.append((base + f"{name}.SNAPSHOT.schema.json", resource))
    registry = Registry().with_resources(resources)
    schema = json.loads((folder / "bom-1.5.SNAPSHOT.schema.json").read_text("utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


def spdx_problems(document):
    problems = []

    def need(condition, what):
        if not condition:
            problems.append(what)

    def members(value, kind, where):
        extra = set(value) - MEMBERS[kind]
        need(not extra, f"{where}: members SPDX 2.3 does not define: {sorted(extra)}")

    members(document, "document", "the document")
    members(document.get("creationInfo", {}), "creationInfo", "creationInfo")
    for kind, key in (("package", "packages"), ("file", "files"), ("relationship", "relationships")):
        for element in document.get(key, []):
            members(element, kind, element.get("SPDXID", element.get("spdxElementId", kind)))
            for checksum in element.get("checksums", []):
                members(checksum, "checksum", f"{element.get('SPDXID')} checksum")
            for ref in element.get("externalRefs", []):
                members(ref, "externalRef", f"{element.get('SPDXID')} externalRef")
    for relationship in document.get("relationships", []):
        need(relationship.get("relationshipType") in RELATIONSHIPS,
             f"relationship type {relationship.get('relationshipType')}")
    for package in document.get("packages", []):
        need(package.get("primaryPackagePurpose", "OTHER") in PURPOSES,
             f"primaryPackagePurpose {package.get('primaryPackagePurpose')}")
    need(document.get("spdxVersion") == "SPDX-2.3", "spdxVersion is not SPDX-2.3")
    need(document.get("dataLicense") == "CC0-1.0", "dataLicense is not CC0-1.0")
    need(document.get("SPDXID") == "SPDXRef-DOCUMENT", "SPDXID is not SPDXRef-DOCUMENT")
    need(isinstance(document.get("name"), str) and document["name"], "no name")
    need(re.match(r"^[a-z][a-z0-9+.-]*:", document.get("documentNamespace", "")),
         "documentNamespace is no URI")
    need("#" not in document.get("documentNamespace", ""), "documentNamespace has a '#'")
    info = document.get("creationInfo", {})
    need(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", info.get("created", "")),
         "creationInfo.created is not YYYY-MM-DDThh:mm:ssZ")
    need(info.get("creators") and all(re.match(r"^(Tool|Person|Organization): .+", c)
                                      for c in info["creators"]), "bad creators")
    ids = {"SPDXRef-DOCUMENT"}
    for package in document.get("packages", []):
        for key in ("SPDXID", "name", "downloadLocation"):
            need(key in package, f"a package lacks {key}: {package.get('SPDXID')}")
        need(SPDX_ID.match(package.get("SPDXID", "")), f"bad package id {package.get('SPDXID')}")
        need(package.get("SPDXID") not in ids, f"duplicate id {package.get('SPDXID')}")
        ids.add(package.get("SPDXID"))
        need(package.get("filesAnalyzed") is False or "packageVerificationCode" in package,
             f"{package.get('SPDXID')}: files analysed without a verification code")
        for ref in package.get("externalRefs", []):
            need(ref.get("referenceCategory") in ("SECURITY", "PACKAGE-MANAGER",
                                                  "PERSISTENT-ID", "OTHER"),
                 "bad referenceCategory")
            if ref.get("referenceType") == "purl":
                need(re.match(r"^pkg:[a-z]+/", ref.get("referenceLocator", "")), "bad purl")
    for file in document.get("files", []):
        need(SPDX_ID.match(file.get("SPDXID", "")), f"bad file id {file.get('SPDXID')}")
        need(file.get("SPDXID") not in ids, f"duplicate id {file.get('SPDXID')}")
        ids.add(file.get("SPDXID"))
        need(file.get("fileName", "").startswith("./"), f"fileName {file.get('fileName')}")
        sums = {c["algorithm"]: c["checksumValue"] for c in file.get("checksums", [])}
        need("SHA1" in sums, f"{file.get('fileName')}: no SHA1 (SPDX 2.3 requires one)")
        for algorithm, value in sums.items():
            need(re.match(f"^[0-9a-f]{{{HEX.get(algorithm, 0)}}}$", value),
                 f"{file.get('fileName')}: bad {algorithm}")
    extracted = {e["licenseId"] for e in document.get("hasExtractedLicensingInfos", [])
                 if "extractedText" in e}
    for element in document.get("packages", []) + document.get("files", []):
        for key in ("licenseDeclared", "licenseConcluded"):
            for ref in re.findall(r"LicenseRef-[A-Za-z0-9.\-]+", element.get(key, "")):
                need(ref in extracted, f"{ref} is not in hasExtractedLicensingInfos")
    for relationship in document.get("relationships", []):
        for key in ("spdxElementId", "relatedSpdxElement"):
            need(relationship.get(key) in ids, f"relationship names unknown {relationship.get(key)}")
    need(set(document.get("documentDescribes", [])) <= ids, "documentDescribes names unknown ids")
    return problems


def spdx_validator():
    schema = json.loads((pathlib.Path(__file__).parent / "spdx-2.3.schema.json").read_text("utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)


def main():
    folder = pathlib.Path(sys.argv[1])
    cyclonedx = cyclonedx_validator(folder)
    spdx = spdx_validator()
    failed = False
    for path in map(pathlib.Path, sys.argv[2:]):
        document = json.loads(path.read_text("utf-8"))
        if path.name.endswith(".cdx.json"):
            problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                        for e in cyclonedx.iter_errors(document)]
            names = {c.get("name") for c in document.get("components", [])}
        else:
            problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                        for e in spdx.iter_errors(document)]
            problems += spdx_problems(document)
            names = {p.get("name") for p in document.get("packages", [])}
            names |= {f.get("fileName", "")[1:] for f in document.get("files", [])}
        if path.name.startswith("good."):
            expected = {"base-files", "libc6", "greeting", "/opt/lib/libfmt.so.9",
                        "/var/runtime/bootstrap"}
            problems += [f"{name} is missing" for name in sorted(expected - names)]
            if "removed-tool" in names:
                problems.append("removed-tool (config-files only) is listed")
        if path.name.startswith("rpm."):
            problems += [] if "hubtel-hello" in names else ["the rpm package is missing"]
        for problem in problems:
            print(f"{path.name}: {problem}")
        failed = failed or bool(problems)
        print(f"{path.name}: {'INVALID' if problems else 'valid'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
