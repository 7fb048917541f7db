"""Example Airflow DAG: qcal ``tune`` on a Spark cluster, once a day.

``tune`` calibrates the FP32 model on ``--calib-data``, validates every candidate on
``--val-data`` in one pass, writes the int8 model that stays within ``--max-drop`` points of
top-1 accuracy, and exits with a code that says how it went. SparkSubmitOperator (package
``apache-airflow-providers-apache-spark``) runs ``spark-submit`` and fails the task on any
non-zero exit code, so qcal's exit code is the whole contract:

====  ==========================================================================================
code  meaning for the task
====  ==========================================================================================
0     success: the outputs are in place.
1     failure: a bug, a lost cluster, an I/O error. Worth a retry.
2     bad usage or bad input (a missing column, an unreadable model, an output folder that may
      not be written): the task fails; the log's last ``qcal:`` line names what and where.
      Nothing was written. A retry gives the same result.
3     the accuracy gate failed: no candidate is within ``--max-drop``. The task FAILS, on
      purpose, so that nothing downstream ships the model; the outputs (report.html,
      validation.json) are written and marked failed, for a human to look at.
====  ==========================================================================================

The exit code is qcal's own when the driver runs where spark-submit runs (``deploy_mode=
"client"``, as below: the Airflow worker hosts the driver). In cluster deploy mode spark-submit
reports only success or failure (YARN: ``spark.yarn.submit.waitAppCompletion=true``, the
default; standalone: set ``spark.standalone.submit.waitAppCompletion=true``), which still fails
the task but loses the difference between 1, 2 and 3.

Set up: the Spark connection ``spark_default`` (host ``yarn``, ``spark://host:7077`` or
``k8s://https://...``), ``spark-submit`` on the worker's PATH, and the qcal jar built for the
cluster's Spark and Scala versions (``qcal-jobs-spark4.2_2.13.jar``, ``qcal-jobs-spark3.5_2.12.jar``,
...: the README's "Spark versions") where the worker can read it. See the README, "On a
cluster", for the same command by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# Where things are; the output folder is per run date (Airflow renders {{ ds }}).
QCAL_JAR = "/opt/qcal/qcal-jobs-spark4.2_2.13.jar"
MODEL = "hdfs:///models/classifier/fp32.onnx"
CALIB_DATA = "hdfs:///data/classifier/calibration"
VAL_DATA = "hdfs:///data/classifier/validation"
OUT = "hdfs:///qcal/classifier/{{ ds }}"

# The command line after the jar: `qcal tune ...`. Kept in one list so that qcal's test suite
# can check it against qcal's own argument parser (jobs/.../cluster/AirflowDagTest.java).
QCAL_ARGS = [
    "tune",
    "--model", MODEL,
    "--calib-data", CALIB_DATA,
    "--val-data", VAL_DATA,
    "--label", "label",
    "--max-drop", "1.0",
    "--methods", "minmax,percentile,entropy,mse",
    "--batch-size", "64",
    "--out", OUT,
    # A rerun of the same date replaces its folder (atomically: the old one stays until the
    # new one is complete).
    "--overwrite",
]

# What conf/spark-defaults.conf sets, for clusters whose spark-defaults do not carry it.
SPARK_CONF = {
    # qcal's kernels use the Vector API (an incubator module on Java 17); without it they fall
    # back to scalar code and log one line. A crashing JVM writes its hs_err_pid*.log to /tmp,
    # not to the worker's working folder.
    "spark.driver.extraJavaOptions":
        "--add-modules=jdk.incubator.vector -XX:ErrorFile=/tmp/qcal-hs_err_pid%p.log",
    "spark.executor.extraJavaOptions":
        "--add-modules=jdk.incubator.vector -XX:ErrorFile=/tmp/qcal-hs_err_pid%p.log",
    # Kryo for the statistics and histograms the tasks return; registration required, so an
    # unregistered class is an error, not a slow path.
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrationRequired": "true",
    "spark.kryo.registrator": "org.qcal.jobs.spark.QcalKryoRegistrator",
    "spark.task.cpus": "1",
    "spark.driver.maxResultSize": "2g",
}

with DAG(
    dag_id="qcal_tune",
    description="Calibrate, validate and choose an int8 model with qcal",
    schedule="@daily",
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
        # Exit code 1 may be transient (a lost cluster); 2 and 3 come back the same, but the
        # operator cannot tell them apart, so keep retries few.
        "retries": 1,
        "retry_delay": timedelta(minutes=10),
    },
    tags=["qcal", "quantization"],
) as dag:
    tune = SparkSubmitOperator(
        task_id="qcal_tune",
        conn_id="spark_default",
        application=QCAL_JAR,
        java_class="org.qcal.jobs.cli.Main",
        # The driver on the Airflow worker, so that the task sees qcal's exit code. (A parameter
        # of the provider since its releases of early 2024; with older ones, put
        # {"deploy-mode": "client"} in the connection's extra.)
        deploy_mode="client",
        application_args=QCAL_ARGS,
        conf=SPARK_CONF,
        executor_cores=4,
        executor_memory="8g",
        driver_memory="4g",
        num_executors=8,
        name="qcal-tune-{{ ds }}",
        verbose=False,
    )
