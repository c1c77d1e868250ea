#!/usr/bin/env python3
"""placeholders.py - run in an exported package: for every library,
executable or test target that Package.swift declares but whose directory
(Sources/NAME, Tests/NAME) holds no Swift file (a commit that forgot them),
write an empty placeholder so that SwiftPM accepts the manifest. Prints each
directory it filled. Used by `bench/run --commit`; a module that tracegate
really needs would still fail to link, so no gateway code is made up here.
"""
import os
import re

text = open("Package.swift").read()
for kind, name in re.findall(r'\.(target|executableTarget|testTarget)\(\s*name:\s*"([^"]+)"', text):
    d = os.path.join("Tests" if kind == "testTarget" else "Sources", name)
    has_swift = os.path.isdir(d) and any(f.endswith(".swift") for _, _, fs in os.walk(d) for f in fs)
    if not has_swift:
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "BenchPlaceholder.swift"), "w") as f:
            f.write("// bench/run: this commit declares the target without committing its sources\n")
        print(d)
