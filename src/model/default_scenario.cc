// The built-in default scenario: a frontier AI lab in 2026-2027. Every figure names its
// source (a section of docs/sources.md, the project's page of published figures); derived
// figures say how they were derived; assumptions say so.
#include "gpufleet/scenario.h"

namespace gpufleet {

std::string_view default_scenario_yaml() {
  return R"yaml(# gpufleet built-in scenario: a frontier AI lab in 2026-2027.
# A seven-year AWS commitment ramping in Oregon, Frankfurt and Singapore; an older Azure
# commitment in two US regions; on-demand and spot on Google Cloud (and a little on AWS and
# Azure). Sources: sources.md#SECTION = a section of docs/sources.md in the gpufleet repository
# (value, source and date of each published figure; prices with the date of their price list).
# (d) = derived from the cited figures, the derivation given; "assumption" = not published.
name: frontier-lab-2026
description: >-
  A frontier AI lab in 2026-2027: a seven-year AWS GB200/B200 commitment ramping in three
  regions, an older Azure H100 commitment, Google Cloud on-demand and spot on top; research
  jobs shaped like the Philly and Acme (Helios, Kalos) clusters, large pre-training runs and a
  steady inference fleet. More than 100,000 GPUs by the end of the horizon.
start: 2026-01-01
horizon: 730d                      # 2026-01-01 to 2028-01-01
seed: 42

policy:
  queue: fifo-backfill             # big gangs wait at the head while small jobs backfill
  placement: cost
  backfill_depth: 256

accelerators:
  - name: H100-SXM
    bf16_tflops: 989.4             # sources.md#accelerators: glennklockwood.com/garden/processors/h100 (NVIDIA whitepaper)
    hbm_gib: 80                    # sources.md#accelerators: 80 GB as NVIDIA states it
    board_power_w: 700             # sources.md#accelerators: H100 SXM TDP
    speed_factor: 1.0              # the reference accelerator
    idle_power_share: 0.115        # sources.md#idle-power: H200 80.3 W idle / 700 W
  - name: H200
    bf16_tflops: 989.4             # sources.md#accelerators: MI300X-vs-H200 REPORT.md; same compute die as H100
    hbm_gib: 141                   # sources.md#accelerators: 141 GB = 144,384 MiB (MLCommons v4.1 H200-SXM-141GBx8)
    board_power_w: 700             # sources.md#accelerators: MLCommons inference v4.1 system file, "TGP 700W"
    speed_factor: 1.0              # (d) dense BF16 989.4 / 989.4
    idle_power_share: 0.115        # sources.md#idle-power: H200 80.3 W idle / 700 W
  - name: B200
    bf16_tflops: 2250              # sources.md#accelerators: glennklockwood.com/garden/processors/B200 (NVIDIA)
    hbm_gib: 180                   # sources.md#accelerators: 180 GB (MLCommons v6.0 Nebius B200-SXM-180GB)
    board_power_w: 1000            # sources.md#accelerators: HGX B200, "TGP 1000W"
    speed_factor: 2.274            # (d) dense BF16 2,250 / 989.4
    idle_power_share: 0.115        # sources.md#idle-power: H200 80.3 W idle / 700 W
  - name: GB200
    bf16_tflops: 2500              # sources.md#accelerators: glennklockwood B200 page, GB200 per GPU at 1,200 W
    hbm_gib: 186                   # sources.md#accelerators: MLCommons inference v6.1 Crusoe GB200-NVL72, "186 GB"
    board_power_w: 1200            # sources.md#accelerators: GB200 per-GPU 1,200 W setting
    speed_factor: 2.527            # (d) dense BF16 2,500 / 989.4
    idle_power_share: 0.115        # sources.md#idle-power: H200 80.3 W idle / 700 W

providers:
  - name: aws
  - name: azure
  - name: gcp

# power_cap_mw: the share of each site the lab may draw (IT x PUE). Not published: an
# assumption sized to the contracts below with headroom (Oregon leaves room for the 2027
# expansion). For scale, sources.md#data-centres: Stargate Abilene is 1.2 GW for ~400,000 GB200.
sites:
  - name: aws-us-west-2
    provider: aws
    region: us-west-2              # Oregon
    jurisdiction: US
    power_cap_mw: 120              # assumption (65,536 GB200 x 1,200 W x 1.15 = 90.4 MW at the 2027 peak)
    pue: 1.15                      # sources.md#data-centres: AWS global PUE 2024, sustainability.aboutamazon.com
    gpus_per_node: 8
    carbon_g_per_kwh: 297.6        # sources.md#grid-carbon: eGRID us-west-2, mlco2/codecarbon impact.csv @8277eb6 (2023-05)
    electricity_usd_per_mwh: 75.2  # sources.md#electricity-prices: EIA Electric Power Annual, Oregon industrial, 2023 data
  - name: aws-eu-central-1
    provider: aws
    region: eu-central-1           # Frankfurt
    jurisdiction: EU
    power_cap_mw: 30               # assumption (16,384 GB200 x 1,200 W x 1.15 = 22.6 MW)
    pue: 1.15                      # sources.md#data-centres: AWS global PUE 2024
    gpus_per_node: 8
    carbon_g_per_kwh: 273.9        # sources.md#grid-carbon: (d) Electricity Maps DE-LU 2024 annual mean, direct (green-dcc @3f6ea95)
    electricity_usd_per_mwh: 84.6  # sources.md#electricity-prices: (d) DE-LU wholesale average 2024 (green-dcc); the industrial price, 167.7 EUR/MWh (smard.de), is in euros
  - name: aws-ap-southeast-1
    provider: aws
    region: ap-southeast-1         # Singapore
    jurisdiction: SG
    power_cap_mw: 20               # assumption (12,288 B200 x 1,000 W x 1.15 = 14.1 MW)
    pue: 1.15                      # sources.md#data-centres: AWS global PUE 2024
    gpus_per_node: 8
    carbon_g_per_kwh: 366.9        # sources.md#grid-carbon: (d) Electricity Maps SG 2024 annual mean, direct (green-dcc)
    electricity_usd_per_mwh: 121.4 # sources.md#electricity-prices: (d) Singapore USEP wholesale average 2024 (green-dcc); industrial tariff not found
  - name: azure-eastus
    provider: azure
    region: eastus                 # Virginia
    jurisdiction: US
    power_cap_mw: 20               # assumption (16,384 H100 x 700 W x 1.18 = 13.5 MW)
    pue: 1.18                      # sources.md#data-centres: Microsoft global average PUE (datacenterdynamics.com, 2024-12)
    gpus_per_node: 8
    carbon_g_per_kwh: 321.0        # sources.md#grid-carbon: (d) Electricity Maps PJM 2024 annual mean, direct (green-dcc)
    electricity_usd_per_mwh: 89.2  # sources.md#electricity-prices: EIA, Virginia industrial, 2023 data
  - name: azure-westus2
    provider: azure
    region: westus2                # Quincy, Washington
    jurisdiction: US
    power_cap_mw: 10               # assumption (8,192 H100 x 700 W x 1.18 = 6.8 MW)
    pue: 1.18                      # sources.md#data-centres: Microsoft global average PUE
    gpus_per_node: 8
    carbon_g_per_kwh: 297.6        # sources.md#grid-carbon: eGRID westus2, codecarbon impact.csv @8277eb6
    electricity_usd_per_mwh: 63.5  # sources.md#electricity-prices: EIA, Washington industrial, 2023 data
  - name: gcp-us-central1
    provider: gcp
    region: us-central1            # Iowa
    jurisdiction: US
    pue: 1.09                      # sources.md#data-centres: Google fleet-wide PUE 2025 (Environmental Report 2026, 2nd)
    gpus_per_node: 8
    carbon_g_per_kwh: 412.72       # sources.md#grid-carbon: GoogleCloudPlatform/region-carbon-info yearly/2024.csv
    electricity_usd_per_mwh: 69.1  # sources.md#electricity-prices: EIA, Iowa industrial, 2023 data
  - name: gcp-us-east4
    provider: gcp
    region: us-east4               # Virginia
    jurisdiction: US
    pue: 1.09                      # sources.md#data-centres: Google fleet-wide PUE 2025
    gpus_per_node: 8
    carbon_g_per_kwh: 323.05       # sources.md#grid-carbon: region-carbon-info yearly/2024.csv
    electricity_usd_per_mwh: 89.2  # sources.md#electricity-prices: EIA, Virginia industrial, 2023 data

# The AWS commitment: seven years, take-or-pay, GB200 in Oregon and Frankfurt, B200 in
# Singapore. Shaped on the OpenAI-AWS deal (sources.md#deals: $38B over 7 years, GB200/GB300, "all
# capacity by end-2026, option to expand from 2027"): each region ramps quarterly through
# 2026, and Oregon expands once in mid-2027. The GPU counts are an assumption at this lab's scale.
# Price (d): deal prices are not disclosed (sources.md#term-discounts). B200: AWS p6-b200
# on-demand 14.242 (sources.md#aws-prices, SkyPilot catalog AWS v8, read 2026-11-09) less 56%,
# the published 3-year P5 reserved discount (sources.md#term-discounts, NextPlatform 2023-07-27)
# = 6.27. GB200: 6.27 x 16.00 / 14.00, Oracle's GB200 to B200 list-price ratio
# (sources.md#oracle-prices, SkyPilot catalog OCI v8, 2026) = 7.16. Cross-check: $38B / 7 y /
# 8,760 h / $7.16 = 86,500 GPUs held for seven years, the size of this commitment.
contracts:
  - name: aws-7yr-oregon
    provider: aws
    site: aws-us-west-2
    accelerator: GB200
    usd_per_gpu_hour: 7.16         # (d) see above
    start: 2026-01-01
    end: 2033-01-01                # seven years, past the two-year horizon
    take_or_pay_share: 1.0
    ramp:
      - {at: 2026-01-01, gpus: 8192}
      - {at: 2026-04-01, gpus: 16384}
      - {at: 2026-07-01, gpus: 32768}
      - {at: 2026-10-01, gpus: 49152}
      - {at: 2027-07-01, gpus: 65536}   # the 2027 expansion option, exercised
  - name: aws-7yr-frankfurt
    provider: aws
    site: aws-eu-central-1
    accelerator: GB200
    usd_per_gpu_hour: 7.16         # (d) see above
    start: 2026-01-01
    end: 2033-01-01
    take_or_pay_share: 1.0
    ramp:
      - {at: 2026-04-01, gpus: 4096}
      - {at: 2026-07-01, gpus: 8192}
      - {at: 2026-10-01, gpus: 16384}
  - name: aws-7yr-singapore
    provider: aws
    site: aws-ap-southeast-1
    accelerator: B200
    usd_per_gpu_hour: 6.27         # (d) see above
    start: 2026-01-01
    end: 2033-01-01
    take_or_pay_share: 1.0
    ramp:
      - {at: 2026-07-01, gpus: 4096}
      - {at: 2026-10-01, gpus: 8192}
      - {at: 2026-12-01, gpus: 12288}
  # The older Azure commitment: four years of H100 (ND H100 v5) from mid-2024 (assumption).
  # Price (d): ND96isr H100 v5 list 12.29 per GPU-hour (sources.md#azure-prices, anycloud
  # catalog azure/vms.csv, 2026-05-20) less 56%, the published 3-year reserved discount on the
  # comparable AWS P5 (sources.md#term-discounts, 2023; Azure's own H100 reservation discount
  # was not found) = 5.41.
  - name: azure-4yr-eastus
    provider: azure
    site: azure-eastus
    accelerator: H100-SXM
    usd_per_gpu_hour: 5.41         # (d) see above
    start: 2024-07-01
    end: 2028-07-01
    take_or_pay_share: 1.0
    gpus: 16384
  - name: azure-4yr-westus2
    provider: azure
    site: azure-westus2
    accelerator: H100-SXM
    usd_per_gpu_hour: 5.41         # (d) see above
    start: 2024-07-01
    end: 2028-07-01
    take_or_pay_share: 1.0
    gpus: 8192

# On-demand and spot. How many GPUs can be had at once is not published: the counts are
# assumptions. Spot preemptions (d): AWS Spot Instance Advisor puts p5 at 10-20% interruptions
# per month (sources.md#reliability, thundercompute.com, 2nd); 15% / 730 h = 0.0002 per node-hour. No GCP or
# Azure figure was found: the same rate is used there.
markets:
  - site: gcp-us-central1
    accelerator: H100-SXM
    on_demand_usd_per_gpu_hour: 11.06   # sources.md#google-cloud-prices: a3-highgpu-8g us-central1, Cyclenerd pricing.yml (2026-07-30)
    on_demand_gpus: 4096
    spot_usd_per_gpu_hour: 6.33         # sources.md#google-cloud-prices: a3-highgpu-8g spot us-central1, Cyclenerd (2026-07-30)
    spot_gpus: 2048
    spot_preemptions_per_node_hour: 0.0002
  - site: gcp-us-central1
    accelerator: H200
    on_demand_usd_per_gpu_hour: 10.4365 # sources.md#google-cloud-prices: a3-ultragpu-8g us-central1, tanod/cloud-gpu-list-prices (2026-10-13)
    on_demand_gpus: 4096
    spot_usd_per_gpu_hour: 6.26         # sources.md#google-cloud-prices: A3 Ultra spot, tanod (2026-10-13)
    spot_gpus: 2048
    spot_preemptions_per_node_hour: 0.0002
  - site: gcp-us-east4
    accelerator: H100-SXM
    on_demand_usd_per_gpu_hour: 11.06   # sources.md#google-cloud-prices: the us-central1 price (2026-07-30); us-east4 on-demand not found
    on_demand_gpus: 2048
    spot_usd_per_gpu_hour: 4.54         # sources.md#google-cloud-prices: a3-highgpu-8g spot us-east4, Cyclenerd (2026-07-30)
    spot_gpus: 2048
    spot_preemptions_per_node_hour: 0.0002
  - site: aws-us-west-2
    accelerator: H100-SXM
    on_demand_usd_per_gpu_hour: 6.88    # sources.md#aws-prices: p5 on-demand us-east-1 (SkyPilot AWS v8, read 2026-11-09); us-west-2 assumed equal
    on_demand_gpus: 1024
    spot_usd_per_gpu_hour: 2.77         # sources.md#aws-prices: (d) midpoint of p5 spot us-west-2, 2.70-2.84 (SkyPilot AWS v8, read 2026-11-09)
    spot_gpus: 1024
    spot_preemptions_per_node_hour: 0.0002
  - site: aws-us-west-2
    accelerator: B200
    on_demand_usd_per_gpu_hour: 14.242  # sources.md#aws-prices: p6-b200 on-demand us-east-1 (read 2026-11-09); us-west-2 assumed equal
    on_demand_gpus: 1024
  - site: azure-eastus
    accelerator: H100-SXM
    on_demand_usd_per_gpu_hour: 12.29   # sources.md#azure-prices: ND96isr H100 v5 eastus, anycloud catalog (2026-05-20)
    on_demand_gpus: 1024
    spot_usd_per_gpu_hour: 2.27         # sources.md#azure-prices: ND H100 v5 spot eastus, anycloud catalog (2026-05-20)
    spot_gpus: 1024
    spot_preemptions_per_node_hour: 0.0002

# Checkpointing: how often frontier runs checkpoint is not published; assumptions: every 30
# minutes, one minute to write, ten minutes to restart (reload, re-form the gang). Pre-training
# runs override it with 15 minutes: at one failure every ~3 h on 16k GPUs, 7.5 min of lost work
# plus 10 min of restart per failure keeps ~90% of the time effective, as Llama 3 405B reported
# (sources.md#reliability: ">90% effective training time"). Inference replicas hold no training state: a
# failure costs only their restart.
checkpoint:
  interval: 30m                    # assumption
  cost: 1m                         # assumption
  restart_overhead: 10m            # assumption

faults:
  # sources.md#reliability: Llama 3 405B, 419 unexpected interruptions in 54 days on 16,384 H100 ("The Llama 3
  # Herd of Models", arXiv 2407.21783, Table 5; causes in data/gpu_failures/meta_llama3_405b):
  # (d) 419 / (16,384 x 54 x 24 GPU-hours) = 1.973e-5 per GPU-hour, one every 3.1 h at 16k GPUs.
  node_failures_per_gpu_hour: 1.973e-5
  # sources.md#reliability: StepFun InfiniteHBD trace (400 servers, 348 days): repair median 0.85 d, mean 5.4 d;
  # (d) lognormal sigma = sqrt(2 ln(5.4 / 0.85)) = 1.92.
  repair_median: 0.85d
  repair_sigma: 1.92
  spot_preemptions: true           # at each market's spot_preemptions_per_node_hour (above)
  spot_return: 1h                  # assumption: how soon a reclaimed spot node can be had again
  # Outages. sources.md#reliability gives durations, not frequencies ("outage frequency per region per year:
  # not found"): the rates below are assumptions. Durations: AWS us-east-1 2025-10-19/20 lasted
  # 14 h 32 m (AWS post-event summary); the GCP global API outage of 2025-06-12 about 7.5 h
  # (Google incident report, 2nd); Azure Front Door 2025-10-29 2-8 h (2nd).
  outages:
    # What-if: the 2025-10-19 us-east-1 event (14 h 32 m) replayed on the lab's largest region.
    - {name: us-west-2 replay of us-east-1 2025-10-19, site: aws-us-west-2, start: 2026-10-19T06:48:00Z, duration: 52320s}   # 14 h 32 m
    - {name: aws-us-west-2 region, site: aws-us-west-2, per_year: 0.25, mean_duration: 14.5h}
    - {name: aws-eu-central-1 region, site: aws-eu-central-1, per_year: 0.25, mean_duration: 14.5h}
    - {name: aws-ap-southeast-1 region, site: aws-ap-southeast-1, per_year: 0.25, mean_duration: 14.5h}
    - {name: azure-eastus region, site: azure-eastus, per_year: 0.25, mean_duration: 5h}
    - {name: gcp global, provider: gcp, per_year: 0.5, mean_duration: 7.5h}

# About 240,000 jobs over two years. Research streams have the published shapes of three
# clusters (sizes and lognormal durations fitted to the mean and median run time: sigma =
# sqrt(2 ln(mean / median))); their arrival rates are assumptions that keep the job count
# small enough to simulate in seconds. Most GPU-hours come from ablation runs, the
# pre-training series and the inference fleet, which keep the contracts about 75-90% busy
# (more in the 2027 peaks, spilling onto on-demand and spot). Durations are on the
# reference H100-SXM; a GB200 runs them 2.527 times faster.
workload:
  classes:
    # Philly (Microsoft, 2017): mean GPU job run time 18,006 s, median 874 s, mean 1.93 GPUs,
    # median 1 (AcmeTrace, NSDI'24, cluster_summary.csv). sigma = sqrt(2 ln(18006/874)) = 2.46.
    - name: research-philly
      kind: research
      tenant: research
      priority: 1
      arrivals_per_hour: 6              # assumption: 105,000 jobs in two years
      gpus: {1: 0.76, 2: 0.10, 4: 0.07, 8: 0.055, 16: 0.012, 32: 0.003}   # (d) mean 1.97, median 1
      duration_median: 874s
      duration_sigma: 2.46
      duration_max: 30d
    # Helios (SenseTime): mean 6,652 s, median 206 s, mean 3.7 GPUs (AcmeTrace cluster_summary.csv).
    # sigma = sqrt(2 ln(6652/206)) = 2.64.
    - name: research-helios
      kind: research
      tenant: research
      priority: 1
      arrivals_per_hour: 3              # assumption
      gpus: {1: 0.60, 2: 0.10, 4: 0.12, 8: 0.15, 16: 0.02, 32: 0.02, 64: 0.003}   # (d) mean 3.6
      duration_median: 206s
      duration_sigma: 2.64
      duration_max: 30d
    # Kalos (Shanghai AI Lab, LLM development): mean 1,260 s, median 124 s, mean 26.8 GPUs
    # (AcmeTrace cluster_summary.csv). sigma = sqrt(2 ln(1260/124)) = 2.15.
    - name: llm-dev-kalos
      kind: research
      tenant: llm-dev
      priority: 1
      arrivals_per_hour: 3              # assumption
      gpus: {8: 0.55, 16: 0.15, 32: 0.15, 64: 0.10, 128: 0.04, 256: 0.015}   # (d) mean 26.8
      duration_median: 124s
      duration_sigma: 2.15
      duration_max: 30d
    # Ablations and fine-tuning: 64-2,048 GPUs for about a day. Assumption (no published
    # distribution at this scale); the rate grows with the fleet in 2027.
    - name: ablations-2026
      kind: training
      tenant: research
      priority: 1
      arrivals_per_hour: 0.8
      gpus: {64: 0.40, 128: 0.25, 256: 0.15, 512: 0.10, 1024: 0.07, 2048: 0.03}
      duration_median: 1d
      duration_sigma: 1.0
      duration_max: 14d
      end: 2027-01-01
    - name: ablations-2027
      kind: training
      tenant: research
      priority: 1
      arrivals_per_hour: 1.2
      gpus: {64: 0.40, 128: 0.25, 256: 0.15, 512: 0.10, 1024: 0.07, 2048: 0.03}
      duration_median: 1d
      duration_sigma: 1.0
      duration_max: 14d
      start: 2027-01-01
  fixed:
    # Pre-training: series of runs of 4,096 to 24,576 GPUs, weeks long, one gang per site.
    # Sizes and cadence are assumptions at this lab's scale (sources.md#reliability: Llama 3 405B ran on
    # 16,384 H100 for 54 days); each series starts when its region's ramp makes room.
    - name: pretrain-us-8k
      kind: training
      tenant: pretraining
      priority: 3
      submit: 2026-01-10
      gpus: 8192
      duration: 120d                    # 47.5 days on GB200
      accelerators: [GB200]
      jurisdiction: US
      count: 14
      every: 52d
      checkpoint_interval: 15m          # assumption (see checkpoint above)
    - name: pretrain-us-16k
      kind: training
      tenant: pretraining
      priority: 3
      submit: 2026-07-05
      gpus: 16384
      duration: 150d                    # 59 days on GB200
      accelerators: [GB200]
      jurisdiction: US
      count: 9
      every: 60d
      checkpoint_interval: 15m          # assumption (see checkpoint above)
    - name: pretrain-us-24k
      kind: training
      tenant: pretraining
      priority: 3
      submit: 2026-10-05
      gpus: 24576
      duration: 180d                    # 71 days on GB200
      accelerators: [GB200]
      jurisdiction: US
      count: 5
      every: 100d
      checkpoint_interval: 15m          # assumption (see checkpoint above)
    - name: pretrain-us-16k-2027
      kind: training
      tenant: pretraining
      priority: 3
      submit: 2027-07-05
      gpus: 16384
      duration: 150d
      accelerators: [GB200]
      jurisdiction: US
      count: 3
      every: 60d
      checkpoint_interval: 15m          # assumption (see checkpoint above)
    - name: pretrain-eu-4k
      kind: training
      tenant: pretraining-eu
      priority: 3
      submit: 2026-04-10
      gpus: 4096
      duration: 120d
      accelerators: [GB200]
      jurisdiction: EU
      count: 12
      every: 52d
      checkpoint_interval: 15m          # assumption (see checkpoint above)
    - name: pretrain-eu-8k
      kind: training
      tenant: pretraining-eu
      priority: 3
      submit: 2026-10-10
      gpus: 8192
      duration: 120d
      accelerators: [GB200]
      jurisdiction: EU
      count: 8
      every: 55d
      checkpoint_interval: 15m          # assumption (see checkpoint above)
    - name: pretrain-sg-4k
      kind: training
      tenant: pretraining-sg
      priority: 3
      submit: 2026-07-10
      gpus: 4096
      duration: 90d                     # 40 days on B200
      accelerators: [B200]
      jurisdiction: SG
      count: 11
      every: 48d
      checkpoint_interval: 15m          # assumption (see checkpoint above)
    - name: pretrain-sg-4k-b
      kind: training
      tenant: pretraining-sg
      priority: 3
      submit: 2026-12-10
      gpus: 4096
      duration: 90d
      accelerators: [B200]
      jurisdiction: SG
      count: 8
      every: 48d
      checkpoint_interval: 15m          # assumption (see checkpoint above)
    # Inference: replicas of 64 GPUs (8 nodes) redeployed monthly, one every 3 hours, so that
    # about 240 replicas (15,360 GPUs) serve at once after the first month. Assumption.
    - name: inference-us
      kind: inference
      tenant: inference
      priority: 4
      submit: 0d
      gpus: 64
      duration: 30d
      accelerators: [H100-SXM, H200]
      jurisdiction: US
      count: 5840
      every: 3h
      checkpoint_interval: 1m           # stateless: nothing to redo after a failure ...
      checkpoint_cost: 0s               # ... and nothing to write
)yaml";
}

Result<Scenario> default_scenario() {
  return load_scenario_text(std::string(default_scenario_yaml()), "<built-in>", ".");
}

}  // namespace gpufleet
