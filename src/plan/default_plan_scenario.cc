// The built-in planning scenario: a frontier lab's seven-year, five-cloud build-out, 2026-2032.
// Every figure names its source beside it: a section of docs/sources.md; (d) = derived.
// `gpufleet plan` with no file plans this; `gpufleet plan --emit-scenario` turns it into a
// scenario for `gpufleet simulate`.
#include "gpufleet/plan.h"

namespace gpufleet {

std::string_view default_plan_scenario_yaml() {
  return R"yaml(
name: frontier-lab-plan-2026-2032
description: >
  A frontier lab's seven-year, five-cloud GPU build-out (2026-2032): demand roughly doubling
  each year (x1.8), offers from AWS, Azure, Google Cloud, Oracle and CoreWeave in US, EU and
  Singapore sites. Negotiated term prices are list prices (the ceiling) less the published
  term discounts; sources in comments ((d) = derived; sources.md#SECTION = a section of
  docs/sources.md in the gpufleet repository, with the date of each price list).
start: 2026-01-01
horizon: 2557d                     # 2026-01-01 .. 2033-01-01
seed: 42

accelerators:
  # BF16 dense TFLOPS / HBM / board power: sources.md#accelerators. speed_factor (d) = BF16 / 989.4 (H100).
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700, speed_factor: 1.0, idle_power_share: 0.115}
  - {name: H200, bf16_tflops: 989.4, hbm_gib: 141, board_power_w: 700, speed_factor: 1.0, idle_power_share: 0.115}
  - {name: B200, bf16_tflops: 2250, hbm_gib: 180, board_power_w: 1000, speed_factor: 2.274, idle_power_share: 0.115}
  - {name: GB200, bf16_tflops: 2500, hbm_gib: 186, board_power_w: 1200, speed_factor: 2.527, idle_power_share: 0.115}

providers:
  - {name: aws}
  - {name: azure}
  - {name: gcp}
  - {name: oracle}
  - {name: coreweave}

sites:
  # power_cap_mw: the lab's allocation at the site (planning assumption; Stargate Abilene is
  # 1.2 GW, Project Rainier > 2.2 GW: sources.md#data-centres). PUE, carbon and electricity: sources beside.
  - name: aws-us-east-1
    provider: aws
    region: us-east-1
    jurisdiction: US
    power_cap_mw: 300
    pue: 1.14                       # sources.md#data-centres: AWS global PUE 2025
    carbon_g_per_kwh: 367.8           # sources.md#grid-carbon: eGRID via codecarbon
    electricity_usd_per_mwh: 89.2    # sources.md#electricity-prices: EIA Virginia industrial 2023
  - name: aws-us-west-2
    provider: aws
    region: us-west-2
    jurisdiction: US
    power_cap_mw: 300
    pue: 1.14                       # sources.md#data-centres: AWS global PUE 2025
    carbon_g_per_kwh: 297.6           # sources.md#grid-carbon: eGRID via codecarbon
    electricity_usd_per_mwh: 75.2    # sources.md#electricity-prices: EIA Oregon industrial 2023
  - name: aws-eu-central-1
    provider: aws
    region: eu-central-1
    jurisdiction: EU
    power_cap_mw: 100
    pue: 1.14                       # sources.md#data-centres: AWS global PUE 2025
    carbon_g_per_kwh: 332.1           # sources.md#grid-carbon: Electricity Maps DE-LU 2024 lifecycle, green-dcc (d)
    electricity_usd_per_mwh: 167.7    # sources.md#electricity-prices: smard.de DE industrial 2024, EUR taken 1:1 (no exchange rate among the sources)
  - name: aws-ap-southeast-1
    provider: aws
    region: ap-southeast-1
    jurisdiction: SG
    power_cap_mw: 60
    pue: 1.14                       # sources.md#data-centres: AWS global PUE 2025
    carbon_g_per_kwh: 485.4           # sources.md#grid-carbon: Electricity Maps SG 2024 lifecycle, green-dcc (d)
    electricity_usd_per_mwh: 121.4    # sources.md#electricity-prices: SG USEP wholesale 2024 (d); industrial tariff not found
  - name: azure-eastus
    provider: azure
    region: eastus
    jurisdiction: US
    power_cap_mw: 300
    pue: 1.18                       # sources.md#data-centres: Microsoft global average PUE, DCD 2024
    carbon_g_per_kwh: 367.8           # sources.md#grid-carbon: eGRID via codecarbon
    electricity_usd_per_mwh: 89.2    # sources.md#electricity-prices: EIA Virginia industrial 2023
  - name: azure-westus2
    provider: azure
    region: westus2
    jurisdiction: US
    power_cap_mw: 300
    pue: 1.12                       # sources.md#data-centres: Microsoft newest-design PUE, DCD 2024
    carbon_g_per_kwh: 297.6           # sources.md#grid-carbon: eGRID via codecarbon
    electricity_usd_per_mwh: 63.5    # sources.md#electricity-prices: EIA Washington industrial 2023
  - name: azure-germanywestcentral
    provider: azure
    region: germanywestcentral
    jurisdiction: EU
    power_cap_mw: 100
    pue: 1.18                       # sources.md#data-centres: Microsoft global average PUE
    carbon_g_per_kwh: 332.1           # sources.md#grid-carbon: Electricity Maps DE-LU 2024 lifecycle (d)
    electricity_usd_per_mwh: 167.7    # sources.md#electricity-prices: smard.de DE industrial 2024, EUR 1:1
  - name: gcp-us-central1
    provider: gcp
    region: us-central1
    jurisdiction: US
    power_cap_mw: 300
    pue: 1.09                       # sources.md#data-centres: Google fleet PUE 2025
    carbon_g_per_kwh: 412.72           # sources.md#grid-carbon: GCP region-carbon-info 2024
    electricity_usd_per_mwh: 69.1    # sources.md#electricity-prices: EIA Iowa industrial 2023
  - name: gcp-us-east4
    provider: gcp
    region: us-east4
    jurisdiction: US
    power_cap_mw: 200
    pue: 1.09                       # sources.md#data-centres: Google fleet PUE 2025
    carbon_g_per_kwh: 323.05           # sources.md#grid-carbon: GCP region-carbon-info 2024
    electricity_usd_per_mwh: 89.2    # sources.md#electricity-prices: EIA Virginia industrial 2023
  - name: gcp-europe-west3
    provider: gcp
    region: europe-west3
    jurisdiction: EU
    power_cap_mw: 100
    pue: 1.09                       # sources.md#data-centres: Google fleet PUE 2025
    carbon_g_per_kwh: 275.82           # sources.md#grid-carbon: GCP region-carbon-info 2024
    electricity_usd_per_mwh: 167.7    # sources.md#electricity-prices: smard.de DE industrial 2024, EUR 1:1
  - name: gcp-asia-southeast1
    provider: gcp
    region: asia-southeast1
    jurisdiction: SG
    power_cap_mw: 60
    pue: 1.09                       # sources.md#data-centres: Google fleet PUE 2025
    carbon_g_per_kwh: 366.85           # sources.md#grid-carbon: GCP region-carbon-info 2024
    electricity_usd_per_mwh: 121.4    # sources.md#electricity-prices: SG USEP wholesale 2024 (d)
  - name: oracle-us-ashburn-1
    provider: oracle
    region: us-ashburn-1
    jurisdiction: US
    power_cap_mw: 400
    pue: 1.15                       # sources.md#data-centres: Oracle 'as low as' 1.15, DCD 2024
    carbon_g_per_kwh: 367.8           # sources.md#grid-carbon: eGRID via codecarbon
    electricity_usd_per_mwh: 89.2    # sources.md#electricity-prices: EIA Virginia industrial 2023
  - name: oracle-eu-frankfurt-1
    provider: oracle
    region: eu-frankfurt-1
    jurisdiction: EU
    power_cap_mw: 100
    pue: 1.15                       # sources.md#data-centres: Oracle 'as low as' 1.15
    carbon_g_per_kwh: 332.1           # sources.md#grid-carbon: Electricity Maps DE-LU 2024 lifecycle (d)
    electricity_usd_per_mwh: 167.7    # sources.md#electricity-prices: smard.de DE industrial 2024, EUR 1:1
  - name: coreweave-us-east
    provider: coreweave
    region: us-east-04
    jurisdiction: US
    power_cap_mw: 250
    pue: 1.2                       # assumption: not found (sources.md#data-centres)
    carbon_g_per_kwh: 392.0           # sources.md#grid-carbon: Electricity Maps PJM 2024 lifecycle (d)
    electricity_usd_per_mwh: 89.2    # sources.md#electricity-prices: EIA Virginia industrial 2023 (PJM)

contracts:
  # Existing, fixed: the lab's older Azure H100 commitment, exactly as in the built-in simulate
  # scenario (src/model/default_scenario.cc): four years from mid-2024 in eastus and westus2 at
  # $5.41 = ND H100 v5 list 12.29 (sources.md#azure-prices, 2026-05-20) less the 56% 3-yr
  # discount published for AWS P5 (sources.md#term-discounts, 2023; Azure's own rate not found);
  # and a CoreWeave H100 block at the SemiAnalysis 1-yr reserved index ($2.35, Mar 2026;
  # sources.md#coreweave-prices).
  - name: azure-4yr-eastus
    site: azure-eastus
    accelerator: H100-SXM
    usd_per_gpu_hour: 5.41
    start: 2024-07-01
    end: 2028-07-01
    gpus: 16384
  - name: azure-4yr-westus2
    site: azure-westus2
    accelerator: H100-SXM
    usd_per_gpu_hour: 5.41
    start: 2024-07-01
    end: 2028-07-01
    gpus: 8192
  - name: coreweave-h100-2025
    site: coreweave-us-east
    accelerator: H100-SXM
    usd_per_gpu_hour: 2.35
    start: 2026-01-01
    end: 2027-01-01
    gpus: 8192

markets:
  # On-demand = list price (sources.md#aws-prices, #azure-prices, #google-cloud-prices,
  # #oracle-prices, #coreweave-prices, each with its price list's date); spot from the same
  # catalogs; availability is an assumption.
  # Preemptions (sources.md#reliability): AWS Spot Advisor 10-20%/month for p5 -> 0.15 / 720 h = 0.0002 per node-hour (d).
  - {site: aws-us-east-1, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.88, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 1.82, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#aws-prices: AWS p5 us-east-1 spot 1.78-1.86
  - {site: aws-us-east-1, accelerator: H200, on_demand_usd_per_gpu_hour: 7.912, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 2.45, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#aws-prices: AWS p5en spot 2.40-2.49
  - {site: aws-us-east-1, accelerator: B200, on_demand_usd_per_gpu_hour: 14.242, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 2.39, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#aws-prices: AWS p6-b200 spot
  - {site: aws-us-east-1, accelerator: GB200, on_demand_usd_per_gpu_hour: 16.28, on_demand_gpus: 1024}
  - {site: aws-us-west-2, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.88, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 2.77, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#aws-prices: AWS p5 us-west-2 spot 2.70-2.84
  - {site: aws-us-west-2, accelerator: H200, on_demand_usd_per_gpu_hour: 7.912, on_demand_gpus: 1024}
  - {site: aws-us-west-2, accelerator: B200, on_demand_usd_per_gpu_hour: 14.242, on_demand_gpus: 1024}
  - {site: aws-us-west-2, accelerator: GB200, on_demand_usd_per_gpu_hour: 16.28, on_demand_gpus: 1024}
  - {site: aws-eu-central-1, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.88, on_demand_gpus: 1024}
  - {site: aws-eu-central-1, accelerator: H200, on_demand_usd_per_gpu_hour: 7.912, on_demand_gpus: 1024}
  - {site: aws-eu-central-1, accelerator: B200, on_demand_usd_per_gpu_hour: 14.242, on_demand_gpus: 1024}
  - {site: aws-ap-southeast-1, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.88, on_demand_gpus: 1024}
  - {site: aws-ap-southeast-1, accelerator: H200, on_demand_usd_per_gpu_hour: 7.912, on_demand_gpus: 1024}
  - {site: azure-eastus, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 12.29, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 2.27, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#azure-prices: Azure ND H100 v5 eastus spot
  - {site: azure-eastus, accelerator: H200, on_demand_usd_per_gpu_hour: 10.6, on_demand_gpus: 1024}
  - {site: azure-eastus, accelerator: GB200, on_demand_usd_per_gpu_hour: 27.04, on_demand_gpus: 1024}
  - {site: azure-westus2, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 12.29, on_demand_gpus: 1024}
  - {site: azure-westus2, accelerator: H200, on_demand_usd_per_gpu_hour: 10.6, on_demand_gpus: 1024}
  - {site: azure-westus2, accelerator: GB200, on_demand_usd_per_gpu_hour: 27.04, on_demand_gpus: 1024}
  - {site: azure-germanywestcentral, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 12.29, on_demand_gpus: 1024}
  - {site: azure-germanywestcentral, accelerator: H200, on_demand_usd_per_gpu_hour: 10.6, on_demand_gpus: 1024}
  - {site: gcp-us-central1, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 11.06, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 6.33, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#google-cloud-prices: GCP a3-highgpu us-central1 spot
  - {site: gcp-us-central1, accelerator: H200, on_demand_usd_per_gpu_hour: 10.4365, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 6.26, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#google-cloud-prices: GCP A3 Ultra spot
  - {site: gcp-us-east4, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 11.06, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 4.54, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#google-cloud-prices: GCP a3-highgpu us-east4 spot
  - {site: gcp-us-east4, accelerator: H200, on_demand_usd_per_gpu_hour: 10.4365, on_demand_gpus: 1024}
  - {site: gcp-europe-west3, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 11.06, on_demand_gpus: 1024}
  - {site: gcp-europe-west3, accelerator: H200, on_demand_usd_per_gpu_hour: 10.4365, on_demand_gpus: 1024}
  - {site: gcp-asia-southeast1, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 11.06, on_demand_gpus: 1024}
  - {site: gcp-asia-southeast1, accelerator: H200, on_demand_usd_per_gpu_hour: 10.4365, on_demand_gpus: 1024}
  - {site: oracle-us-ashburn-1, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 10.0, on_demand_gpus: 1024}
  - {site: oracle-us-ashburn-1, accelerator: H200, on_demand_usd_per_gpu_hour: 10.0, on_demand_gpus: 1024}
  - {site: oracle-us-ashburn-1, accelerator: B200, on_demand_usd_per_gpu_hour: 14.0, on_demand_gpus: 1024}
  - {site: oracle-us-ashburn-1, accelerator: GB200, on_demand_usd_per_gpu_hour: 16.0, on_demand_gpus: 1024}
  - {site: oracle-eu-frankfurt-1, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 10.0, on_demand_gpus: 1024}
  - {site: oracle-eu-frankfurt-1, accelerator: H200, on_demand_usd_per_gpu_hour: 10.0, on_demand_gpus: 1024}
  - {site: oracle-eu-frankfurt-1, accelerator: GB200, on_demand_usd_per_gpu_hour: 16.0, on_demand_gpus: 1024}
  - {site: coreweave-us-east, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.155, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 2.46, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#coreweave-prices: CoreWeave H100 spot
  - {site: coreweave-us-east, accelerator: H200, on_demand_usd_per_gpu_hour: 6.305, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 2.62, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#coreweave-prices: CoreWeave H200 spot
  - {site: coreweave-us-east, accelerator: B200, on_demand_usd_per_gpu_hour: 8.6, on_demand_gpus: 1024, spot_usd_per_gpu_hour: 4.26, spot_gpus: 2048, spot_preemptions_per_node_hour: 0.0002}   # sources.md#coreweave-prices: CoreWeave B200 spot
  - {site: coreweave-us-east, accelerator: GB200, on_demand_usd_per_gpu_hour: 10.5, on_demand_gpus: 1024}

# The scheduler of the simulated fleet is the default FIFO, which holds every job behind the
# head until it starts: a head of 8,192 GPUs waits for a site to empty. Simulated over its
# first year, the planned fleet then carries 72% of the planned demand (26-day mean queues);
# with `policy: {queue: fifo-backfill}` 94% (the rest is the first quarter filling up from
# empty), at about ten times the simulation time (risk --simulate replays every future).

# The plan's demand as jobs, for `gpufleet simulate` of the planned fleet and `gpufleet risk
# --simulate` (docs/scenario-format.md): the classes give only the mix (arrivals_per_hour is each
# class's weight). Assumptions: frontier runs of 1k-8k GPUs for about ten days (the Llama 3 405B
# run held 16,384 H100 for 54 days, sources.md#reliability), research jobs of 64-512 GPUs, and
# inference served by replicas of 256-1,024 GPUs redeployed monthly. Large jobs keep a seven-year
# replay to tens of thousands of jobs.
workload:
  from_plan_demand: true
  classes:
    - {name: frontier, kind: training, tenant: pretraining, priority: 2, arrivals_per_hour: 1,
       gpus: {1024: 0.3, 4096: 0.4, 8192: 0.3}, duration_median: 10d, duration_sigma: 0.5, duration_max: 30d,
       checkpoint_interval: 30m, checkpoint_cost: 1m}
    - {name: research, kind: research, tenant: research, arrivals_per_hour: 2,
       gpus: {64: 0.5, 512: 0.5}, duration_median: 1d, duration_sigma: 1.0, duration_max: 7d}
    - {name: serving, kind: inference, tenant: product, priority: 3, arrivals_per_hour: 1,
       gpus: {256: 0.5, 1024: 0.5}, duration_median: 30d, duration_sigma: 0.2, duration_max: 45d}

plan:
  horizon: 7y                      # 28 quarters, 2026Q1 .. 2032Q4
  period: quarter
  discount_rate: 0.08              # per year; planning assumption (a typical cost of capital)
  bill_energy: true                # electricity passed through at the site's price
  demand:
    training:
      gpu_hours_per_period: 64.8e6  # 30,000 reference GPUs x 2,160 h in 2026Q1 (assumption)
      growth_per_year: 1.8         # "roughly doubling each year"
      critical_share: 0.5          # the frontier run; the rest (research) may use spot
    inference:                     # reference GPUs that must run in the jurisdiction
      - {jurisdiction: US, gpus: 12000, growth_per_year: 1.8, critical_share: 0.9}
      - {jurisdiction: EU, gpus: 4000, growth_per_year: 1.8, critical_share: 0.9}
      - {jurisdiction: SG, gpus: 2000, growth_per_year: 1.8, critical_share: 0.8}
  policy:
    max_provider_share: 0.35       # no provider above 35% of firm capacity
    n1: [providers, sites]         # losing any one provider or site ...
    n1_share: 0.6                  # ... still leaves 60% of critical demand
  offers:
    # terms: list price x (1 - discount). 1y and 3y: published discounts (sources.md#term-discounts); 7y: the provider's
    # published cap ("up to"); 5y: halfway between 3y and 7y (d). Per provider:
    #   aws: 1y/3y: AWS P5 RI -41%/-56% (NextPlatform 2023); cap: EC2 Instance Savings Plans 'up to 72%'
    #   azure: Azure H100 reservation rates not found: AWS 1y/3y figures used; cap: Azure RI 'up to 72%' (techtarget)
    #   gcp: 1y/3y: GCP A3 High resource CUD -30.6%/-56.1% (Cyclenerd, d); cap assumed as AWS's 72%
    #   oracle: Oracle term discounts not found: AWS 1y/3y figures and 72% cap used
    #   coreweave: cap: CoreWeave committed use 'up to 60%'; 1y/3y scaled to the cap (assumption)
    # Blocks of 1,024 GPUs (128 nodes): small enough that rounding the early, small commitments
    # to whole blocks stays within the 0.5% target. Ramp: new GPUs a provider can hand
    # over per quarter at one site (assumption: 16,384 for B200/GB200 in US sites, 8,192 else).
    # GB200 from 2026-07-01 (first GB200 racks Jun 2025; volume from mid-2026, assumption).
    - {site: aws-us-east-1, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.059, 3y: 3.027, 5y: 2.477, 7y: 1.926}}   # sources.md#aws-prices: list 6.88: AWS p5 us-east-1 on-demand, SkyPilot catalog v8, read 2026-11-09
    - {site: aws-us-east-1, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.668, 3y: 3.481, 5y: 2.848, 7y: 2.215}}   # sources.md#aws-prices: list 7.912: AWS p5en on-demand, SkyPilot v8, read 2026-11-09
    - {site: aws-us-east-1, accelerator: B200, block_gpus: 1024, ramp_gpus_per_period: 16384,
       terms: {1y: 8.403, 3y: 6.266, 5y: 5.127, 7y: 3.988}}   # sources.md#aws-prices: list 14.242: AWS p6-b200 on-demand, SkyPilot v8, read 2026-11-09
    - {site: aws-us-east-1, accelerator: GB200, block_gpus: 1024, ramp_gpus_per_period: 16384, earliest: 2026-07-01,
       terms: {1y: 9.605, 3y: 7.163, 5y: 5.861, 7y: 4.558}}   # sources.md#aws-prices: list 16.28: (d) AWS B200 list x Oracle GB200/B200 ratio 16/14; AWS GB200 list not found
    - {site: aws-us-west-2, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.059, 3y: 3.027, 5y: 2.477, 7y: 1.926}}   # sources.md#aws-prices: list 6.88: AWS p5 us-east-1 on-demand, SkyPilot catalog v8, read 2026-11-09
    - {site: aws-us-west-2, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.668, 3y: 3.481, 5y: 2.848, 7y: 2.215}}   # sources.md#aws-prices: list 7.912: AWS p5en on-demand, SkyPilot v8, read 2026-11-09
    - {site: aws-us-west-2, accelerator: B200, block_gpus: 1024, ramp_gpus_per_period: 16384,
       terms: {1y: 8.403, 3y: 6.266, 5y: 5.127, 7y: 3.988}}   # sources.md#aws-prices: list 14.242: AWS p6-b200 on-demand, SkyPilot v8, read 2026-11-09
    - {site: aws-us-west-2, accelerator: GB200, block_gpus: 1024, ramp_gpus_per_period: 16384, earliest: 2026-07-01,
       terms: {1y: 9.605, 3y: 7.163, 5y: 5.861, 7y: 4.558}}   # sources.md#aws-prices: list 16.28: (d) AWS B200 list x Oracle GB200/B200 ratio 16/14; AWS GB200 list not found
    - {site: aws-eu-central-1, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.059, 3y: 3.027, 5y: 2.477, 7y: 1.926}}   # sources.md#aws-prices: list 6.88: AWS p5 us-east-1 on-demand, SkyPilot catalog v8, read 2026-11-09
    - {site: aws-eu-central-1, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.668, 3y: 3.481, 5y: 2.848, 7y: 2.215}}   # sources.md#aws-prices: list 7.912: AWS p5en on-demand, SkyPilot v8, read 2026-11-09
    - {site: aws-eu-central-1, accelerator: B200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 8.403, 3y: 6.266, 5y: 5.127, 7y: 3.988}}   # sources.md#aws-prices: list 14.242: AWS p6-b200 on-demand, SkyPilot v8, read 2026-11-09
    - {site: aws-ap-southeast-1, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.059, 3y: 3.027, 5y: 2.477, 7y: 1.926}}   # sources.md#aws-prices: list 6.88: AWS p5 us-east-1 on-demand, SkyPilot catalog v8, read 2026-11-09
    - {site: aws-ap-southeast-1, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.668, 3y: 3.481, 5y: 2.848, 7y: 2.215}}   # sources.md#aws-prices: list 7.912: AWS p5en on-demand, SkyPilot v8, read 2026-11-09
    - {site: azure-eastus, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.251, 3y: 5.408, 5y: 4.424, 7y: 3.441}}   # sources.md#azure-prices: list 12.29: Azure ND96isr H100 v5, anycloud catalog 2026-05-20
    - {site: azure-eastus, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 6.254, 3y: 4.664, 5y: 3.816, 7y: 2.968}}   # sources.md#azure-prices: list 10.6: Azure ND96isr H200 v5, anycloud 2026-05-20
    - {site: azure-eastus, accelerator: GB200, block_gpus: 1024, ramp_gpus_per_period: 16384, earliest: 2026-07-01,
       terms: {1y: 15.954, 3y: 11.898, 5y: 9.734, 7y: 7.571}}   # sources.md#azure-prices: list 27.04: Azure ND128isr GB200 v6, anycloud 2026-05-20
    - {site: azure-westus2, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.251, 3y: 5.408, 5y: 4.424, 7y: 3.441}}   # sources.md#azure-prices: list 12.29: Azure ND96isr H100 v5, anycloud catalog 2026-05-20
    - {site: azure-westus2, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 6.254, 3y: 4.664, 5y: 3.816, 7y: 2.968}}   # sources.md#azure-prices: list 10.6: Azure ND96isr H200 v5, anycloud 2026-05-20
    - {site: azure-westus2, accelerator: GB200, block_gpus: 1024, ramp_gpus_per_period: 16384, earliest: 2026-07-01,
       terms: {1y: 15.954, 3y: 11.898, 5y: 9.734, 7y: 7.571}}   # sources.md#azure-prices: list 27.04: Azure ND128isr GB200 v6, anycloud 2026-05-20
    - {site: azure-germanywestcentral, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.251, 3y: 5.408, 5y: 4.424, 7y: 3.441}}   # sources.md#azure-prices: list 12.29: Azure ND96isr H100 v5, anycloud catalog 2026-05-20
    - {site: azure-germanywestcentral, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 6.254, 3y: 4.664, 5y: 3.816, 7y: 2.968}}   # sources.md#azure-prices: list 10.6: Azure ND96isr H200 v5, anycloud 2026-05-20
    - {site: gcp-us-central1, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.676, 3y: 4.855, 5y: 3.976, 7y: 3.097}}   # sources.md#google-cloud-prices: list 11.06: GCP a3-highgpu-8g us-central1, Cyclenerd pricing.yml 2026-07-30
    - {site: gcp-us-central1, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.243, 3y: 4.582, 5y: 3.752, 7y: 2.922}}   # sources.md#google-cloud-prices: list 10.4365: GCP a3-ultragpu-8g, tanod/cloud-gpu-list-prices 2026-10-13
    - {site: gcp-us-east4, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.676, 3y: 4.855, 5y: 3.976, 7y: 3.097}}   # sources.md#google-cloud-prices: list 11.06: GCP a3-highgpu-8g us-central1, Cyclenerd pricing.yml 2026-07-30
    - {site: gcp-us-east4, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.243, 3y: 4.582, 5y: 3.752, 7y: 2.922}}   # sources.md#google-cloud-prices: list 10.4365: GCP a3-ultragpu-8g, tanod/cloud-gpu-list-prices 2026-10-13
    - {site: gcp-europe-west3, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.676, 3y: 4.855, 5y: 3.976, 7y: 3.097}}   # sources.md#google-cloud-prices: list 11.06: GCP a3-highgpu-8g us-central1, Cyclenerd pricing.yml 2026-07-30
    - {site: gcp-europe-west3, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.243, 3y: 4.582, 5y: 3.752, 7y: 2.922}}   # sources.md#google-cloud-prices: list 10.4365: GCP a3-ultragpu-8g, tanod/cloud-gpu-list-prices 2026-10-13
    - {site: gcp-asia-southeast1, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.676, 3y: 4.855, 5y: 3.976, 7y: 3.097}}   # sources.md#google-cloud-prices: list 11.06: GCP a3-highgpu-8g us-central1, Cyclenerd pricing.yml 2026-07-30
    - {site: gcp-asia-southeast1, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 7.243, 3y: 4.582, 5y: 3.752, 7y: 2.922}}   # sources.md#google-cloud-prices: list 10.4365: GCP a3-ultragpu-8g, tanod/cloud-gpu-list-prices 2026-10-13
    - {site: oracle-us-ashburn-1, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 5.900, 3y: 4.400, 5y: 3.600, 7y: 2.800}}   # sources.md#oracle-prices: list 10.0: OCI BM.GPU.H100.8, SkyPilot OCI v8, 2026
    - {site: oracle-us-ashburn-1, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 5.900, 3y: 4.400, 5y: 3.600, 7y: 2.800}}   # sources.md#oracle-prices: list 10.0: OCI BM.GPU.H200.8, SkyPilot OCI v8, 2026
    - {site: oracle-us-ashburn-1, accelerator: B200, block_gpus: 1024, ramp_gpus_per_period: 16384,
       terms: {1y: 8.260, 3y: 6.160, 5y: 5.040, 7y: 3.920}}   # sources.md#oracle-prices: list 14.0: OCI BM.GPU.B200.8, SkyPilot OCI v8, 2026
    - {site: oracle-us-ashburn-1, accelerator: GB200, block_gpus: 1024, ramp_gpus_per_period: 16384, earliest: 2026-07-01,
       terms: {1y: 9.440, 3y: 7.040, 5y: 5.760, 7y: 4.480}}   # sources.md#oracle-prices: list 16.0: OCI BM.GPU.GB200.4, SkyPilot OCI v8, 2026
    - {site: oracle-eu-frankfurt-1, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 5.900, 3y: 4.400, 5y: 3.600, 7y: 2.800}}   # sources.md#oracle-prices: list 10.0: OCI BM.GPU.H100.8, SkyPilot OCI v8, 2026
    - {site: oracle-eu-frankfurt-1, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 5.900, 3y: 4.400, 5y: 3.600, 7y: 2.800}}   # sources.md#oracle-prices: list 10.0: OCI BM.GPU.H200.8, SkyPilot OCI v8, 2026
    - {site: oracle-eu-frankfurt-1, accelerator: GB200, block_gpus: 1024, ramp_gpus_per_period: 8192, earliest: 2026-07-01,
       terms: {1y: 9.440, 3y: 7.040, 5y: 5.760, 7y: 4.480}}   # sources.md#oracle-prices: list 16.0: OCI BM.GPU.GB200.4, SkyPilot OCI v8, 2026
    - {site: coreweave-us-east, accelerator: H100-SXM, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.308, 3y: 3.078, 5y: 2.770, 7y: 2.462}}   # sources.md#coreweave-prices: list 6.155: CoreWeave HGX H100, coreweave.com/pricing 2026-09-20
    - {site: coreweave-us-east, accelerator: H200, block_gpus: 1024, ramp_gpus_per_period: 8192,
       terms: {1y: 4.413, 3y: 3.152, 5y: 2.837, 7y: 2.522}}   # sources.md#coreweave-prices: list 6.305: CoreWeave HGX H200, coreweave.com/pricing 2026-09-20
    - {site: coreweave-us-east, accelerator: B200, block_gpus: 1024, ramp_gpus_per_period: 16384,
       terms: {1y: 6.020, 3y: 4.300, 5y: 3.870, 7y: 3.440}}   # sources.md#coreweave-prices: list 8.6: CoreWeave HGX B200, coreweave.com/pricing 2026-09-20
    - {site: coreweave-us-east, accelerator: GB200, block_gpus: 1024, ramp_gpus_per_period: 16384, earliest: 2026-07-01,
       terms: {1y: 7.350, 3y: 5.250, 5y: 4.725, 7y: 4.200}}   # sources.md#coreweave-prices: list 10.5: CoreWeave GB200 NVL72, coreweave.com/pricing 2026-09-20

uncertainty:
  # How the future may differ from the plan's forecast, for `gpufleet risk` and `gpufleet plan
  # --futures N`. Every figure is an assumption: no source publishes the spread of a lab's
  # demand, of GPU delivery dates or of provider-wide disruptions (sources.md#uncertainty).
  shortfall_penalty_usd_per_ref_gpu_hour: 20   # assumption: 1.6x the highest H100 on-demand list price (12.29, sources.md#azure-prices)
  demand:
    training: {model: lognormal, volatility: 0.2, correlation: 0.3}   # assumption
    inference:
      - {jurisdiction: US, model: lognormal, volatility: 0.15, correlation: 0.3}   # assumption
      - {jurisdiction: EU, model: lognormal, volatility: 0.15, correlation: 0.3}   # assumption
      - {jurisdiction: SG, model: lognormal, volatility: 0.2, correlation: 0.3}   # assumption
  delivery:                       # assumption: the newer clouds slip more often and longer
    - {provider: aws, probability: 0.15, delay: {median: 60d, sigma: 0.5}}
    - {provider: azure, probability: 0.15, delay: {median: 60d, sigma: 0.5}}
    - {provider: gcp, probability: 0.15, delay: {median: 60d, sigma: 0.5}}
    - {provider: oracle, probability: 0.3, delay: {median: 120d, sigma: 0.5}}
    - {provider: coreweave, probability: 0.3, delay: {median: 90d, sigma: 0.5}}
  prices:                         # assumption: list prices moved 20-45% a year in 2024-2025 (sources.md#aws-prices)
    - {provider: aws, on_demand_volatility: 0.15, spot_volatility: 0.3}
    - {provider: azure, on_demand_volatility: 0.15, spot_volatility: 0.3}
    - {provider: gcp, on_demand_volatility: 0.15, spot_volatility: 0.3}
    - {provider: oracle, on_demand_volatility: 0.15, spot_volatility: 0.3}
    - {provider: coreweave, on_demand_volatility: 0.15, spot_volatility: 0.3}
  disruptions:                    # assumption: a provider's new capacity unusable for months (a dispute, export rules)
    - {provider: oracle, probability_per_year: 0.03, duration: {median: 90d, sigma: 0.5}}
    - {provider: coreweave, probability_per_year: 0.03, duration: {median: 90d, sigma: 0.5}}
    - {jurisdiction: SG, probability_per_year: 0.02, duration: {median: 60d, sigma: 0.5}}
)yaml";
}

}  // namespace gpufleet
