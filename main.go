// Command manager runs the tencent-cert-operator controllers.
package main

import (
	"flag"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/controller"
	"github.com/certsync/tencent-cert-operator/internal/controller/huaweiapigcertificate"
	"github.com/certsync/tencent-cert-operator/internal/controller/secretsync"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

var scheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(sslv1alpha1.AddToScheme(scheme))
}

func main() {
	var (
		metricsAddr, probeAddr string
		leaderElect            bool
		endpoint, region       string
		watchNamespace         string
		secretAnnotationSync   bool
		huaweiEndpoint         string
		huaweiOperatorCreds    bool
		metricsSecure          bool
		metricsCertDir         string
		clusterName            string
		defaultAccount         string
		operatorNamespace      string
		pprofAddr              string
		tuning                 tuningFlags
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8443", "The address the metrics endpoint binds to; 0 disables it.")
	flag.BoolVar(&metricsSecure, "metrics-secure", true, "Serve metrics over HTTPS to callers the API server authenticates and authorizes for get on /metrics; false serves plain HTTP to anyone.")
	flag.StringVar(&metricsCertDir, "metrics-cert-dir", "", "Directory with tls.crt and tls.key for the metrics endpoint, reloaded on change. Empty uses a self-signed certificate.")
	flag.StringVar(&clusterName, "cluster-name", "", "Identity of this cluster in the ownership tags of uploaded certificates. Defaults to the UID of the kube-system namespace.")
	flag.StringVar(&defaultAccount, "default-account", "default", "The TencentCloudAccount of objects that name neither spec.accountRef nor spec.credentialsRef.")
	flag.StringVar(&operatorNamespace, "operator-namespace", os.Getenv("POD_NAMESPACE"), "The operator's namespace, which holds the Secrets of TencentCloudAccounts. Defaults to $POD_NAMESPACE.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "The address the health probe endpoint binds to.")
	flag.BoolVar(&leaderElect, "leader-elect", false, "Enable leader election, so that only one replica reconciles at a time.")
	flag.StringVar(&endpoint, "tencentcloud-endpoint", "", "Override of the SSL API endpoint, such as a simulator's http://127.0.0.1:9000. Defaults to ssl.tencentcloudapi.com.")
	flag.StringVar(&region, "tencentcloud-region", "", "Default Tencent Cloud region for API calls that take one.")
	flag.StringVar(&huaweiEndpoint, "huaweicloud-endpoint", "", "Override of the Huawei Cloud APIG endpoint for every region, such as a simulator's http://127.0.0.1:9100. Defaults to apig.<region>.myhuaweicloud.com.")
	flag.BoolVar(&huaweiOperatorCreds, "huaweicloud-operator-credentials", false, "Let HuaweiAPIGCertificates without spec.credentialsRef use the operator's own Huawei Cloud credentials (HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK). Off, each namespace brings its own.")
	flag.StringVar(&watchNamespace, "watch-namespace", "", "Restrict the operator to these namespaces (comma-separated). Empty means all namespaces.")
	flag.BoolVar(&secretAnnotationSync, "secret-annotation-sync", false, "Create a TencentCertificate for every kubernetes.io/tls Secret annotated ssl.certsync.io/sync=true (docs/cert-manager.md).")
	flag.StringVar(&pprofAddr, "pprof-bind-address", "", "The address the pprof endpoint binds to, such as 127.0.0.1:6060; empty disables it.")
	tuning.bind(flag.CommandLine)
	opts := zap.Options{}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))
	log := ctrl.Log.WithName("setup")

	if err := tuning.validate(); err != nil {
		log.Error(err, "Invalid flags")
		os.Exit(2)
	}
	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                 scheme,
		Cache:                  controller.CacheOptions(watchNamespace),
		Client:                 clientOptions(),
		Metrics:                controller.MetricsServerOptions(metricsAddr, metricsSecure, metricsCertDir),
		HealthProbeBindAddress: probeAddr,
		PprofBindAddress:       pprofAddr,
		LeaderElection:         leaderElect,
		LeaderElectionID:       "tencent-cert-operator.ssl.certsync.io",
	})
	if err != nil {
		log.Error(err, "Failed to create manager")
		os.Exit(1)
	}
	apiMetrics, err := tencentcloud.NewMetrics(metrics.Registry)
	if err != nil {
		log.Error(err, "Failed to register SSL API metrics")
		os.Exit(1)
	}
	cloud := tencentcloud.NewFactory(tencentcloud.FactoryOptions{
		Endpoint:  endpoint,
		Region:    region,
		Timeout:   tuning.apiTimeout,
		RateLimit: tencentcloud.RateLimitOptions{Share: tuning.rateShare},
		Metrics:   apiMetrics,
		Logger:    ctrl.Log.WithName("tencentcloud"),
	})
	controllerOpts := tuning.controllerOptions(cloud)
	controllerOpts.ClusterName, controllerOpts.Namespace, controllerOpts.DefaultAccount = clusterName, operatorNamespace, defaultAccount
	if err := controller.Setup(mgr, controllerOpts); err != nil {
		log.Error(err, "Failed to set up controllers")
		os.Exit(1)
	}

	if secretAnnotationSync {
		if err := secretsync.Setup(mgr, secretsync.Options{Namespace: watchNamespace}); err != nil {
			log.Error(err, "Failed to set up annotation sync")
			os.Exit(1)
		}
	}

	apigMetrics, err := huaweicloud.NewMetrics(metrics.Registry)
	if err == nil {
		err = huaweiapigcertificate.SetupWithManager(mgr, huaweiapigcertificate.Options{OperatorCredentials: huaweiOperatorCreds, Cloud: huaweicloud.NewFactory(
			huaweicloud.FactoryOptions{Endpoint: huaweiEndpoint, Metrics: apigMetrics, Logger: ctrl.Log.WithName("huaweicloud")})})
	}
	if err != nil {
		log.Error(err, "Failed to set up the HuaweiAPIGCertificate controller")
		os.Exit(1)
	}

	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		log.Error(err, "Failed to add health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		log.Error(err, "Failed to add ready check")
		os.Exit(1)
	}

	if err := cacheAllSecrets(mgr); err != nil {
		log.Error(err, "Failed to set up the Secret cache")
		os.Exit(1)
	}

	log.Info("Starting manager")
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "Manager exited with an error")
		os.Exit(1)
	}
}
