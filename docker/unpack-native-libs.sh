#!/bin/bash
# Image build step of Dockerfile.jvm. usage: unpack-native-libs.sh APP_DIR (the quarkus-app folder)
# Runs dev.modelport.tools.UnpackNativeLibraries, which unpacks libtorch with its JNI layer and the
# Hugging Face tokenizers library from their jars into DJL_CACHE_DIR (and JNA's dispatch library into the
# jna.boot.library.path JAVA_OPTS names) and loads them once, then checks that each is there: a container
# of the image then starts and deploys without writing a native library.
set -euo pipefail
app=$1
# JAVA_OPTS is a list of options, split on purpose
# shellcheck disable=SC2086
java $JAVA_OPTS --enable-native-access=ALL-UNNAMED -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$app/lib/boot/*:$app/lib/main/*:$app/app/*" dev.modelport.tools.UnpackNativeLibraries
for lib in 'libtorch.so' '*libdjl_torch.so' 'libtokenizers.so' 'libjnidispatch.so'; do
  find "$DJL_CACHE_DIR" -name "$lib" | grep -q . || { echo "no $lib under $DJL_CACHE_DIR" >&2; exit 1; }
done
du -sh "$DJL_CACHE_DIR"/*
