/*
 * test_registry.c -- the model registry of the test binary.
 *
 * It replaces models/models.c there (the linker takes sim_models from here
 * and never pulls models.o out of the library): the shipped models plus
 * probe, the test-only model of tests/model_probe.c.
 */
#include "sim.h"

extern const sim_model credit_model;
extern const sim_model flow_model;
extern const sim_model gossip_model;
extern const sim_model immune_model;
extern const sim_model phold_model;
extern const sim_model probe_model;

const sim_model *const sim_models[] = {
    &credit_model,
    &flow_model,
    &gossip_model,
    &immune_model,
    &phold_model,
    &probe_model,
    NULL
};
