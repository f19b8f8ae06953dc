#!/usr/bin/env bash
# What runs: Knative records the digest a revision runs in
# status.containerStatuses[].imageDigest; `status -o json` carries it per
# revision. An image by digest runs that digest; a tag runs the digest the
# cluster resolved it to (the demo cluster's: sha256 of the image string).
source "$(dirname "$0")/lib.sh"
start_demo --no-seed

tag_img="gcr.io/voice-service-2-313121/speech-api-worker:v12"
run_tt apply --env staging --model bytag --version 1 --image "$tag_img" --no-resolve --yes --wait
assert_rc 0 "apply by tag"
run_tt apply $(release_flags bydigest 1) --yes --wait
assert_rc 0 "apply by digest"

run_tt status -o json
assert_rc 0 "status -o json"
want="gcr.io/voice-service-2-313121/speech-api-worker@sha256:$(printf %s "$tag_img" | sha256sum | cut -d' ' -f1)"
assert_eq "$(jq -r '.[] | select(.model=="bytag") | .services.stream.revisions[0].imageDigest' <<<"$OUT")" \
    "$want" "the digest a tag runs"
assert_eq "$(jq -r '.[] | select(.model=="bytag") | .services.stream.revisions[0].image' <<<"$OUT")" \
    "$tag_img" "the image asked for"
assert_eq "$(jq -r '.[] | select(.model=="bydigest") | .services.validate.revisions[0].imageDigest' <<<"$OUT")" \
    "$IMG" "an image by digest runs that digest"
# the same as kubectl reads it
assert_eq "$(kc get revision -n bytag stream-1 -o jsonpath='{.status.containerStatuses[0].imageDigest}')" \
    "$want" "kubectl's imageDigest"
pass
