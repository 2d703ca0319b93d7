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
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

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
		pprofAddr              string
		tuning                 tuningFlags
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8080", "The address the metrics endpoint binds to; 0 disables it.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "The address the health probe endpoint binds to.")
	flag.BoolVar(&leaderElect, "leader-elect", false, "Enable leader election, so that only one replica reconciles at a time.")
	flag.StringVar(&endpoint, "tencentcloud-endpoint", "", "Override of the SSL API endpoint, such as a simulator's http://127.0.0.1:9000. Defaults to ssl.tencentcloudapi.com.")
	flag.StringVar(&region, "tencentcloud-region", "", "Default Tencent Cloud region for API calls that take one.")
	flag.StringVar(&huaweiEndpoint, "huaweicloud-endpoint", "", "Override of the Huawei Cloud APIG endpoint for every region, such as a simulator's http://127.0.0.1:9100. Defaults to apig.<region>.myhuaweicloud.com.")
	flag.StringVar(&watchNamespace, "watch-namespace", "", "Restrict the operator to one namespace. Empty means all namespaces.")
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
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
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
	if err := controller.Setup(mgr, tuning.controllerOptions(cloud)); err != nil {
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
		err = huaweiapigcertificate.SetupWithManager(mgr, huaweiapigcertificate.Options{Cloud: huaweicloud.NewFactory(
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
