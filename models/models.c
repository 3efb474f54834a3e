/*
 * models.c -- the model registry: the only place that names the models.
 *
 * The loader turns each name below into a scenario block (`gossip{...}`);
 * an unknown block lists these names. Add a model by writing models/x.c
 * with one `const sim_model x_model` and listing it here.
 */
#include "sim.h"

extern const sim_model credit_model;
extern const sim_model flow_model;
extern const sim_model gossip_model;
extern const sim_model immune_model;
extern const sim_model phold_model;

const sim_model *const sim_models[] = {
    &credit_model,
    &flow_model,
    &gossip_model,
    &immune_model,
    &phold_model,
    NULL
};
