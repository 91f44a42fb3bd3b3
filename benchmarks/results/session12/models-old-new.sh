#!/bin/bash
# Session 12: session 11's models-old-new.sh with this session's OLD library (built from 80c3136,
# the session's first commit) and this folder for the reports; NEW as there (/tmp/nt).
here=$(dirname "$(readlink -f "$0")")
export OLD=${OLD:-/tmp/nt-base/lib/libasnet_ops.so}
export OUT=${OUT:-$here/models-old-new}
exec "$here/../session11/models-old-new.sh"
