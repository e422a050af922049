package com.smsguard.app

import android.app.job.JobParameters
import android.app.job.JobService
import android.util.Log

/**
 * The periodic reconcile: MIUI, ColorOS, OriginOS and EMUI stop background apps and their
 * receivers, so what arrived meanwhile is sorted from content://sms/inbox here and on every start
 * (core.Reconciler). Retention and the sent-report check run with it (AppCore.reconcile).
 */
class ReconcileJob : JobService() {
    companion object {
        const val JOB_ID = 18
    }

    override fun onStartJob(params: JobParameters): Boolean {
        val app = applicationContext
        AppCore.importExecutor.execute {
            try {
                AppCore.reconcile(app, full = false)
            } catch (t: Throwable) {
                Log.w(AppCore.TAG, "job: reconcile failed (" + t.javaClass.simpleName + ")")
            } finally {
                jobFinished(params, false)
            }
        }
        return true
    }

    override fun onStopJob(params: JobParameters): Boolean = true
}
